/**
 * Types every feature may use: the user-facing exceptions. Nothing here depends on a feature, on
 * Jakarta EE or on Vaadin.
 */
package dev.hourglass.common;
