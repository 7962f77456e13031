import {
  Button as AriaButton,
  Header,
  Menu,
  MenuItem,
  MenuSection,
  MenuTrigger,
  Popover,
  Separator,
  Text,
} from "react-aria-components";
import type { PortfolioEntry } from "../../backend/types";
import type { OverviewQuery, PortfolioListQuery } from "../../queries";
import { GraphNote } from "./GraphNote";

export interface PortfolioSwitcherProps {
  list: PortfolioListQuery;
  overview: OverviewQuery;
  /** A switch is on its way. */
  switching: boolean;
  onOpen: (entry: PortfolioEntry) => void;
  onConnect: () => void;
  onRemove: () => void;
}

/**
 * The sidebar's portfolio card, which is also a menu: open another portfolio, connect a real
 * one, or remove a saved one. Enter or Space opens it; arrow keys move; Escape closes it.
 */
export function PortfolioSwitcher({ list, overview, switching, onOpen, onConnect, onRemove }: PortfolioSwitcherProps) {
  const portfolios = list.data?.portfolios ?? [];
  const activeId = list.data?.active_id ?? null;
  const active = portfolios.find((p) => p.id === activeId) ?? null;
  const saved = portfolios.filter((p) => p.kind !== "demo");

  let label = "Portfolio";
  let name: string | null = null;
  let note: string;
  if (switching || overview.isPending) {
    note = "Opening…";
  } else if (overview.isError) {
    name = active?.label ?? null;
    note = "Could not be opened";
  } else {
    const data = overview.data;
    label = data.kind_label;
    name = data.business_name;
    note = data.note;
  }

  return (
    <MenuTrigger>
      {/* Named by its visible text (label, name, note, "Switch portfolio"), so what a speech-input
          user reads is what they can say. */}
      <AriaButton className="portfolio-card portfolio-switcher">
        <span className="portfolio-card__label">{label}</span>
        {name && <span className="portfolio-card__name">{name}</span>}
        {active && !switching && <GraphNote entry={active} className="portfolio-card__note" />}
        <span className="portfolio-card__note" aria-live="polite">
          {note}
        </span>
        <span className="portfolio-switcher__hint">
          Switch portfolio
          <svg viewBox="0 0 16 16" aria-hidden="true" className="portfolio-switcher__chevron">
            <path d="m4 6 4 4 4-4" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round" />
          </svg>
        </span>
      </AriaButton>
      <Popover className="popover" placement="bottom start">
        <Menu
          className="menu"
          aria-label="Portfolios"
          disabledKeys={saved.length === 0 ? ["remove"] : []}
          onAction={(key) => {
            if (key === "connect") onConnect();
            else if (key === "remove") onRemove();
            else {
              const entry = portfolios.find((p) => `open:${p.id}` === key);
              // The open one again only when it could not be opened: that tries again.
              if (entry && (entry.id !== activeId || overview.isError)) onOpen(entry);
            }
          }}
        >
          <MenuSection className="menu__section">
            <Header className="menu__header">Open a portfolio</Header>
            {portfolios.map((entry) => (
              <MenuItem key={entry.id} id={`open:${entry.id}`} textValue={entry.label} className="menu__item">
                <span className="menu__check" aria-hidden="true">
                  {entry.id === activeId ? "✓" : ""}
                </span>
                {/* The note is part of the label: an item's name holds all of its visible text
                    (what a speech-input user reads is what they can say). */}
                <Text slot="label" className="menu__text">
                  <span className="menu__label">{entry.label}</span>
                  <GraphNote entry={entry} className="menu__description" />
                  <span className="menu__description">
                    {entry.note}
                    {/* Last, so the visible text reads unbroken within the name. */}
                    {entry.id === activeId && <span className="visually-hidden"> (open now)</span>}
                  </span>
                </Text>
              </MenuItem>
            ))}
          </MenuSection>
          <Separator className="menu__separator" />
          <MenuItem id="connect" className="menu__item" textValue="Connect your business portfolio…">
            <span className="menu__check" aria-hidden="true">
              +
            </span>
            <span className="menu__text">
              <Text slot="label" className="menu__label">
                Connect your business portfolio…
              </Text>
            </span>
          </MenuItem>
          <MenuItem id="remove" className="menu__item" textValue="Remove a saved portfolio…">
            <span className="menu__check" aria-hidden="true" />
            <Text slot="label" className="menu__text">
              <span className="menu__label">Remove a saved portfolio…</span>
              {saved.length === 0 && <span className="menu__description">Only portfolios you connected can be removed.</span>}
            </Text>
          </MenuItem>
        </Menu>
      </Popover>
    </MenuTrigger>
  );
}
