import type { UseQueryResult } from "@tanstack/react-query";
import type { Dispatch, RefObject } from "react";
import type { AssetKind, AssetKindInfo, AssetRow } from "../../backend/types";
import { Button } from "../../components/Button";
import { Tab, TabList, TabPanel, Tabs } from "../../components/Tabs";
import { accessOf, type AssignAction, type AssignState, type ChangePlan } from "./assignState";
import { KindPanel } from "./KindPanel";

const n = (value: number) => value.toLocaleString("en-US");

export interface ChooseStepProps {
  headingRef: RefObject<HTMLHeadingElement | null>;
  kinds: AssetKindInfo[];
  activeKind: AssetKind | null;
  state: AssignState;
  dispatch: Dispatch<AssignAction>;
  /** A kind's list, once its tab has been open. */
  listOf: (kind: AssetKind) => UseQueryResult<AssetRow[]> | undefined;
  assigned: ReadonlyMap<string, string>;
  plan: ChangePlan;
}

/** Step 1: a tab per kind (with how many are ticked), then what is selected and Review. */
export function ChooseStep({ headingRef, kinds, activeKind, state, dispatch, listOf, assigned, plan }: ChooseStepProps) {
  const { groups, totalSelected, problems } = plan;
  return (
    <section className="stack" aria-labelledby="choose-heading">
      <h2 id="choose-heading" ref={headingRef} tabIndex={-1} className="visually-hidden">
        Choose assets
      </h2>
      <Tabs
        variant="flow"
        selectedKey={activeKind ?? undefined}
        onSelectionChange={(key) => {
          const info = kinds.find((k) => k.kind === key);
          if (info) dispatch({ type: "open-kind", kind: info.kind, shown: activeKind });
        }}
      >
        <TabList aria-label="Asset kinds">
          {kinds.map((info) => {
            const count = state.selected[info.kind]?.size ?? 0;
            return (
              <Tab key={info.kind} id={info.kind}>
                {info.label}
                {count > 0 && (
                  <span className="flow-tabs__count" aria-label={`${n(count)} selected`}>
                    {n(count)}
                  </span>
                )}
              </Tab>
            );
          })}
        </TabList>
        {kinds.map((info) => {
          const kind = info.kind;
          return (
            <TabPanel key={kind} id={kind}>
              <KindPanel
                info={info}
                loaded={listOf(kind)}
                selected={state.selected[kind] ?? new Set()}
                onSelectedChange={(ids) => dispatch({ type: "select", kind, ids })}
                access={accessOf(state, info)}
                onAccessChange={(access) => dispatch({ type: "set-access", kind, access })}
                query={state.queries[kind] ?? ""}
                onQueryChange={(query) => dispatch({ type: "search", kind, query })}
                relation={state.relations[kind] ?? "all"}
                onRelationChange={(relation) => dispatch({ type: "filter", kind, relation })}
                assigned={assigned}
              />
            </TabPanel>
          );
        })}
      </Tabs>
      <div className="action-bar">
        <span aria-live="polite">
          {totalSelected === 0
            ? "Nothing selected yet."
            : `${n(totalSelected)} ${totalSelected === 1 ? "asset" : "assets"} selected across ${n(groups.length)} ${groups.length === 1 ? "kind" : "kinds"}.`}
        </span>
        {problems[0] && <span className="action-bar__problem">{problems[0]}</span>}
        <span className="spacer" />
        <Button
          variant="primary"
          isDisabled={totalSelected === 0 || problems.length > 0}
          onPress={() => dispatch({ type: "review" })}
        >
          Review changes
        </Button>
      </div>
    </section>
  );
}
