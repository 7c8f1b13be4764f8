/** The dispatcher's parts: claiming, running on the target, recording, the crash sweep. */
package dev.hourglass.dispatch.internal;
