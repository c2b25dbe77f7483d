//! Accessibility in the real browser: axe-core (from the npm registry; `scripts/test` installs it
//! under `tests/axe/`) run on a page for the WCAG 2.1 A and AA rules, keeping the serious and
//! critical violations; and whether the page scrolls sideways.

use fantoccini::Client;

/// axe-core's browser build.
pub fn source() -> String {
    let p = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/axe/node_modules/axe-core/axe.min.js"
    );
    std::fs::read_to_string(p).unwrap_or_else(|_| {
        panic!("{p} is missing: scripts/test installs it (npm install --prefix tests/axe)")
    })
}

/// The page's serious and critical WCAG 2.1 A/AA violations, each as "rule: help — where", and
/// a sideways scroll if the page has one.
pub async fn problems(c: &Client, axe: &str, what: &str) -> Vec<String> {
    c.execute(axe, vec![]).await.expect("axe-core loads");
    let found = c
        .execute_async(
            r#"const done = arguments[arguments.length - 1];
            axe.run(document, {
              runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
              resultTypes: ["violations"],
            }).then(r => done(r.violations
                .filter(v => v.impact === "serious" || v.impact === "critical")
                .map(v => v.id + ": " + v.help + " — " + v.nodes.slice(0, 3).map(n => n.target.join(" ")).join(", "))))
              .catch(e => done(["axe failed: " + e]));"#,
            vec![],
        )
        .await
        .expect("axe-core runs");
    let mut out: Vec<String> = serde_json::from_value::<Vec<String>>(found)
        .unwrap_or_default()
        .into_iter()
        .map(|v| format!("{what}: {v}"))
        .collect();
    let w = c
        .execute(
            "return [document.documentElement.scrollWidth, document.documentElement.clientWidth];",
            vec![],
        )
        .await
        .unwrap();
    let (scroll, client) = (w[0].as_i64().unwrap_or(0), w[1].as_i64().unwrap_or(0));
    if scroll > client {
        out.push(format!(
            "{what}: scrolls sideways ({scroll} px wide in {client} px)"
        ));
    }
    out
}
