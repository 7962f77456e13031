import {
  Tab as AriaTab,
  TabList as AriaTabList,
  TabPanel as AriaTabPanel,
  Tabs as AriaTabs,
  type TabListProps,
  type TabPanelProps,
  type TabProps,
  type TabsProps,
} from "react-aria-components";

/**
 * Tabs: arrow keys move between tabs, Tab moves into the panel. Use as
 * `<Tabs><TabList aria-label="…"><Tab id="a">A</Tab></TabList><TabPanel id="a">…</TabPanel></Tabs>`.
 */
export function Tabs(props: Omit<TabsProps, "className">) {
  return <AriaTabs {...props} className="tabs" />;
}

export function TabList<T extends object>(props: Omit<TabListProps<T>, "className">) {
  return <AriaTabList {...props} className="tabs__list" />;
}

export function Tab(props: Omit<TabProps, "className">) {
  return <AriaTab {...props} className="tabs__tab" />;
}

export function TabPanel(props: Omit<TabPanelProps, "className">) {
  return <AriaTabPanel {...props} className="tabs__panel" />;
}
