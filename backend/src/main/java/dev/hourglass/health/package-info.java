/** Liveness and readiness of a node: database, JobRunr and mail. Used by the UI's probe servlet. */
package dev.hourglass.health;
