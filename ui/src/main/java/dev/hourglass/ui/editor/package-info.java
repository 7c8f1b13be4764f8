/**
 * UI building blocks shared by feature views: {@link dev.hourglass.ui.editor.SqlEditor}, an SQL
 * editor backed by a self-written custom element that needs no frontend build. Uses Vaadin only, no
 * backend feature.
 */
package dev.hourglass.ui.editor;
