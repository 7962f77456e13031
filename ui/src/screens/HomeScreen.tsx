import { Link } from "react-aria-components";
import { Card } from "../components/Card";
import { Page } from "../components/Page";
import { hrefFor } from "../router";

const steps = [
  {
    title: "Add a system user",
    text: "A non-human account your integrations sign in as. Regular is recommended; Admin only when it must manage others.",
  },
  {
    title: "Give it assets",
    text: "Pages, ad accounts, catalogs, pixels, Instagram and WhatsApp accounts, each with only the tasks it needs.",
  },
  {
    title: "Pick an app, permissions and an expiry",
    text: "Gatehouse checks everything Meta will check before it asks for a token, and explains what is missing.",
  },
  {
    title: "Copy the token once",
    text: "Copied straight from the app, hidden from clipboard history and cleared after a countdown.",
  },
];

export function HomeScreen() {
  return (
    <Page
      title="Welcome to Gatehouse"
      lede="Set up system users for a Meta business portfolio and hand out their access tokens safely, in the same order as Meta Business Suite, with every step explained."
    >
      <Card title="How it works">
        <ol className="steps">
          {steps.map((step, index) => (
            <li key={step.title} className="step">
              <span className="step__number" aria-hidden="true">
                {index + 1}
              </span>
              <div>
                <div className="step__title">{step.title}</div>
                <div className="step__text">{step.text}</div>
              </div>
            </li>
          ))}
        </ol>
      </Card>
      <Card
        title="Try it, then connect your own portfolio"
        description="Gatehouse opens on a demo agency portfolio, so you can try everything safely: nothing leaves this computer. When you are ready, connect your business portfolio: sign in with Meta (or paste an admin's token) with your own app; the portfolio card at the top left switches between them."
        actions={
          <Link href={hrefFor({ name: "connect" })} className="button button--primary">
            Connect your business portfolio
          </Link>
        }
      />
      <Card title="Where your secrets live">
        <p className="muted">
          Access tokens and app secrets are kept only in this computer's keychain, never in files, logs or this
          window's storage. A token is shown on screen only when you ask to reveal it.
        </p>
      </Card>
    </Page>
  );
}
