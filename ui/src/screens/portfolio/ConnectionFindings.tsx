import type { ConnectionReport } from "../../backend/types";
import { Badge } from "../../components/Badge";
import { Callout } from "../../components/Callout";
import { Card } from "../../components/Card";

/** What a connection check found about the business, the token and the apps (both ways of connecting). */
export function ConnectionFindings({ report, appId }: { report: ConnectionReport; appId: string }) {
  return (
    <Card title="What Gatehouse found" description="Nothing is saved yet.">
      <div className="stack">
        {/* Where the check's requests went when not to Meta: an emulator here is only said, another
            host (which got the token) is a warning. */}
        {report.graph_note && (
          <Callout tone={report.graph_destination === "elsewhere" ? "warning" : "info"} title={report.graph_note} role="none" />
        )}
        <dl className="definition-list">
          <dt>Business</dt>
          <dd>
            <strong>{report.business_name}</strong> <span className="muted mono">{report.business_id}</span>
          </dd>
          <dt>Business verification</dt>
          <dd>
            <Badge tone={report.verification === "verified" ? "success" : "warning"}>{report.verification_label}</Badge>
          </dd>
          <dt>Two-factor authentication</dt>
          <dd>{report.two_factor_label}</dd>
          <dt>Token</dt>
          <dd>
            {report.token_kind_label}
            {", of "}
            <strong>{report.token_owner_name ?? "someone Meta did not name"}</strong>{" "}
            <span className="muted mono">{report.token_owner_id}</span>
          </dd>
          <dt>Apps the business owns</dt>
          <dd>
            {report.apps.length === 0 ? (
              "None"
            ) : (
              <ul className="plain-list">
                {report.apps.map((app) => (
                  <li key={app.id}>
                    {app.name} <span className="muted mono">{app.id}</span>
                    {app.id === appId && (
                      <>
                        {" "}
                        <Badge tone="accent">The app you typed</Badge>
                      </>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </dd>
          <dt>System users</dt>
          <dd>
            {report.regular_system_users} regular, {report.admin_system_users} admin
          </dd>
        </dl>
      </div>
    </Card>
  );
}
