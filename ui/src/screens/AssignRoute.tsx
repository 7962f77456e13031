import { Link } from "react-aria-components";
import { Callout } from "../components/Callout";
import { Page } from "../components/Page";
import { hrefFor } from "../router";

/** The "Assign assets" screen (built in screens/assign/); a placeholder until it lands. */
export function AssignRoute({ systemUserId }: { systemUserId: string }) {
  return (
    <Page title="Assign assets">
      <Callout tone="info" title="Assigning assets is not available in this build yet.">
        <Link href={hrefFor({ name: "system-user", id: systemUserId })}>Back to the system user</Link>
      </Callout>
    </Page>
  );
}
