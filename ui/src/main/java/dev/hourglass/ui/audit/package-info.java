/**
 * The team's audit page: the change audit with filters, newest first, paged lazily, and the CSV
 * export of the filtered view. Admins and owners only (the service checks it again).
 */
package dev.hourglass.ui.audit;
