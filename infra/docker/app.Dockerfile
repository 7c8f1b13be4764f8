# One Hourglass app node: Payara Micro running the WAR at context root /.
#
# Build context: the repository root, after `mvn -B -DskipTests package` has produced
# ui/target/hourglass.war and infra/target/servers/payara-micro.jar.
#
# Base image: eclipse-temurin:17-jre plus the payara-micro.jar the build already fetched from Maven
# Central (its version is pinned in the parent pom), rather than payara/micro:6.2025.10-jdk17.
# Why: a node then runs the very jar the integration tests boot, so what was tested is what ships;
# the JVM is the same Temurin 17 line as development and CI; and the launch line below is ours, not
# an entrypoint script we would have to work around. The cost is one extra COPY of a 100 MB jar.
FROM eclipse-temurin:17-jre

RUN groupadd --system hourglass \
    && useradd --system --gid hourglass --home-dir /opt/hourglass --shell /usr/sbin/nologin hourglass \
    && mkdir -p /opt/hourglass/payara \
    && chown -R hourglass:hourglass /opt/hourglass

WORKDIR /opt/hourglass
COPY --chown=hourglass:hourglass infra/target/servers/payara-micro.jar payara-micro.jar
COPY --chown=hourglass:hourglass infra/docker/payara-preboot.asadmin payara-preboot.asadmin
COPY --chown=hourglass:hourglass ui/target/hourglass.war hourglass.war

USER hourglass

# Heap and failure policy; docker-compose.yml may override. The JVM exits on OutOfMemoryError so
# the container restarts instead of limping on.
ENV JAVA_TOOL_OPTIONS="-Xmx768m -XX:+ExitOnOutOfMemoryError"

# Only HTTP leaves the container. Payara Micro also starts a Hazelcast data grid: with --nocluster
# it still listens on *:6900 and ignores --interfaces (checked on 6.2025.10), so instead each node
# gets a data grid of one member bound to its own loopback (--interfaces, --clustermode tcpip and
# hazelcast.socket.bind.any=false), the same as the local launcher does. The nodes never cluster
# (sessions are sticky at the proxy; JobRunr coordinates through PostgreSQL) and port 6900 is never
# published. See docs/decisions/0001-20261126-payara-micro-as-the-server.md.
#
# payara-preboot.asadmin makes Payara take the request scheme from X-Forwarded-Proto, so behind a
# TLS terminator the sign-in callback is seen at https://... as HOURGLASS_BASE_URL says.
EXPOSE 8080
ENTRYPOINT ["java", "-Dhazelcast.socket.bind.any=false", "-jar", "payara-micro.jar", \
    "--deploy", "hourglass.war", "--contextroot", "/", "--port", "8080", \
    "--rootdir", "/opt/hourglass/payara", \
    "--prebootcommandfile", "payara-preboot.asadmin", \
    "--interfaces", "127.0.0.1", "--clustermode", "tcpip:127.0.0.1:6900", \
    "--clustername", "hourglass-node", \
    "--disablephonehome"]
