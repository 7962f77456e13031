import { createContext, useContext } from "react";
import {
  Tab as AriaTab,
  TabList as AriaTabList,
  TabPanel as AriaTabPanel,
  Tabs as AriaTabs,
  type TabListProps,
  type TabPanelProps,
  type TabProps,
  type TabsProps as AriaTabsProps,
} from "react-aria-components";

/**
 * `page`: tabs across a screen. `flow`: the compact tabs of a step-by-step flow (Assign assets),
 * tighter, wrapping, with the focus ring on the control inside the panel rather than around it.
 */
export type TabsVariant = "page" | "flow";

const classes: Record<TabsVariant, { root: string; list: string; tab: string; panel: string }> = {
  page: { root: "tabs", list: "tabs__list", tab: "tabs__tab", panel: "tabs__panel" },
  flow: { root: "flow-tabs-root", list: "flow-tabs", tab: "flow-tabs__tab", panel: "flow-tabs__panel" },
};

const VariantContext = createContext<TabsVariant>("page");

export interface TabsProps extends Omit<AriaTabsProps, "className"> {
  variant?: TabsVariant;
}

/**
 * Tabs: arrow keys move between tabs, Tab moves into the panel. Use as
 * `<Tabs><TabList aria-label="…"><Tab id="a">A</Tab></TabList><TabPanel id="a">…</TabPanel></Tabs>`.
 */
export function Tabs({ variant = "page", ...props }: TabsProps) {
  return (
    <VariantContext.Provider value={variant}>
      <AriaTabs {...props} className={classes[variant].root} />
    </VariantContext.Provider>
  );
}

export function TabList<T extends object>(props: Omit<TabListProps<T>, "className">) {
  return <AriaTabList {...props} className={classes[useContext(VariantContext)].list} />;
}

export function Tab(props: Omit<TabProps, "className">) {
  return <AriaTab {...props} className={classes[useContext(VariantContext)].tab} />;
}

export function TabPanel(props: Omit<TabPanelProps, "className">) {
  return <AriaTabPanel {...props} className={classes[useContext(VariantContext)].panel} />;
}
