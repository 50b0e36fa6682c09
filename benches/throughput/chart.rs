//! A grouped bar chart of the median throughputs, as a self-contained SVG:
//! one group per scenario, one bar per client, the value printed on each
//! bar. Written by hand (a few dozen elements) rather than with a plotting
//! crate, to keep the benchmark's build light.

use std::fmt::Write as _;

use crate::report::Results;
use crate::scenario::ClientKind;

const WIDTH: f64 = 960.0;
const HEIGHT: f64 = 440.0;
const LEFT: f64 = 70.0;
const RIGHT: f64 = 20.0;
const TOP: f64 = 50.0;
const BOTTOM: f64 = 70.0;

fn color(client: ClientKind) -> &'static str {
    match client {
        ClientKind::RedisTyped => "#d62728",
        ClientKind::RedisRs => "#1f77b4",
        ClientKind::Fred => "#2ca02c",
        ClientKind::Rustis => "#9467bd",
    }
}

/// A round axis maximum and step (1, 2 or 5 times a power of ten).
fn axis(max: f64) -> (f64, f64) {
    let raw = (max / 5.0).max(1.0);
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    ((max / step).ceil() * step, step)
}

fn label(x: f64) -> String {
    if x >= 1e6 {
        format!("{:.2}M", x / 1e6)
    } else {
        format!("{:.0}k", x / 1e3)
    }
}

/// The chart of `results`' median throughputs (pending scenarios left out).
pub fn svg(results: &Results, subtitle: &str) -> String {
    let groups: Vec<_> = results
        .scenarios
        .iter()
        .filter(|s| s.pending().is_none())
        .map(|&s| results.summary(s))
        .collect();
    let max = groups
        .iter()
        .flat_map(|g| g.medians.iter().map(|(_, m)| m.throughput))
        .filter(|x| x.is_finite())
        .fold(1.0, f64::max);
    let (top, step) = axis(max);
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let y = |v: f64| TOP + plot_h * (1.0 - v / top);

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(s, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        s,
        r#"<text x="{}" y="22" text-anchor="middle" font-size="16" font-weight="bold">Throughput, median of interleaved rounds (higher is better)</text>"#,
        WIDTH / 2.0
    );
    let _ = writeln!(
        s,
        r##"<text x="{}" y="40" text-anchor="middle" fill="#555">{}</text>"##,
        WIDTH / 2.0,
        escape(subtitle)
    );

    // Grid and y axis.
    let mut v = 0.0;
    while v <= top + step / 2.0 {
        let yy = y(v);
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{yy:.1}" x2="{:.1}" y2="{yy:.1}" stroke="#ddd"/><text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"##,
            WIDTH - RIGHT,
            LEFT - 6.0,
            yy + 4.0,
            if v == 0.0 { "0".to_string() } else { label(v) }
        );
        v += step;
    }
    let _ = writeln!(
        s,
        r#"<text transform="translate(16 {:.1}) rotate(-90)" text-anchor="middle">ops/s (keys/s for pipeline and MGET)</text>"#,
        TOP + plot_h / 2.0
    );

    // Bars.
    let group_w = plot_w / groups.len().max(1) as f64;
    let bars = results.clients.len().max(1) as f64;
    let bar_w = (group_w * 0.8) / bars;
    for (gi, group) in groups.iter().enumerate() {
        let gx = LEFT + gi as f64 * group_w + group_w * 0.1;
        for (bi, client) in results.clients.iter().enumerate() {
            let Some((_, m)) = group.medians.iter().find(|(c, _)| c == client) else {
                continue;
            };
            if !m.throughput.is_finite() {
                continue;
            }
            let x = gx + bi as f64 * bar_w;
            let yy = y(m.throughput);
            let _ = writeln!(
                s,
                r#"<rect x="{x:.1}" y="{yy:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{} {}: {:.0} {}</title></rect>"#,
                bar_w - 2.0,
                TOP + plot_h - yy,
                color(*client),
                group.scenario.name(),
                client.name(),
                m.throughput,
                group.scenario.unit()
            );
            let _ = writeln!(
                s,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="10">{}</text>"#,
                x + (bar_w - 2.0) / 2.0,
                yy - 3.0,
                label(m.throughput)
            );
        }
        let _ = writeln!(
            s,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            LEFT + gi as f64 * group_w + group_w / 2.0,
            TOP + plot_h + 18.0,
            group.scenario.name()
        );
    }

    // Legend.
    let legend_y = HEIGHT - 22.0;
    let mut lx = LEFT;
    for client in &results.clients {
        let _ = writeln!(
            s,
            r#"<rect x="{lx:.1}" y="{:.1}" width="12" height="12" fill="{}"/><text x="{:.1}" y="{:.1}">{}</text>"#,
            legend_y - 10.0,
            color(*client),
            lx + 16.0,
            legend_y,
            client.name()
        );
        lx += 120.0;
    }
    s.push_str("</svg>\n");
    s
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
