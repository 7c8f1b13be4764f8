package dev.hourglass.ui;

import com.vaadin.flow.component.page.AppShellConfigurator;
import com.vaadin.flow.component.page.Push;
import com.vaadin.flow.server.PWA;
import com.vaadin.flow.theme.Theme;
import com.vaadin.flow.theme.lumo.Lumo;

/** Page-level settings for every view. Lumo with no custom theme keeps the pre-built bundle. */
@Theme(themeClass = Lumo.class)
@Push
@PWA(
    name = "Hourglass",
    shortName = "Hourglass",
    offlineResources = {})
public class AppShell implements AppShellConfigurator {
  private static final long serialVersionUID = 1L;
}
