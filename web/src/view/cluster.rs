//! The cluster as a ring of nodes in SVG, with messages as dots travelling
//! along the links. Protocol views describe nodes and messages with
//! [`NodeView`] and [`Dot`]; this module only draws.

use std::f64::consts::PI;

use yew::prelude::*;

const SIZE: f64 = 460.0;
const CENTER: f64 = SIZE / 2.0;
const RING: f64 = 158.0;

#[derive(Clone, PartialEq)]
pub struct NodeView {
    /// 1-based id, as shown.
    pub id: u16,
    pub label: AttrValue,
    /// The big text inside the node (Raft: the term).
    pub center: AttrValue,
    /// Short words under the node (role, votes …).
    pub caption: AttrValue,
    /// CSS class naming the node's role or state, e.g. `leader`.
    pub class: AttrValue,
    /// `data-*` attributes for tests and embedders: (full attribute name, value).
    pub data: Vec<(&'static str, String)>,
    pub up: bool,
    /// Fraction of the node's main timer still to run, with the timer's class.
    pub timer: Option<(f64, &'static str)>,
}

#[derive(Clone, PartialEq)]
pub struct Dot {
    pub id: u64,
    /// 0-based indices of sender and receiver.
    pub from: usize,
    pub to: usize,
    /// 0 at the sender, 1 at the receiver.
    pub progress: f64,
    pub class: AttrValue,
    pub title: AttrValue,
    pub lost: bool,
}

#[derive(Properties, PartialEq)]
pub struct ClusterProps {
    pub nodes: Vec<NodeView>,
    pub dots: Vec<Dot>,
    pub selected: Option<usize>,
    pub on_select: Callback<usize>,
    pub selected_msg: Option<u64>,
    pub on_select_msg: Callback<u64>,
    /// Partition group of each node (all equal when there is none).
    pub groups: Vec<u16>,
    /// Links cut one way: (from, to) as 0-based indices.
    pub cuts: Vec<(usize, usize)>,
    pub aria_label: AttrValue,
}

/// Where node `i` of `n` sits: on a ring, the first at the top, clockwise.
fn position(i: usize, n: usize) -> (f64, f64) {
    if n == 1 {
        return (CENTER, CENTER);
    }
    let angle = -PI / 2.0 + 2.0 * PI * i as f64 / n as f64;
    (CENTER + RING * angle.cos(), CENTER + RING * angle.sin())
}

fn node_radius(n: usize) -> f64 {
    if n <= 5 { 34.0 } else { 30.0 }
}

#[component]
pub fn Cluster(props: &ClusterProps) -> Html {
    let n = props.nodes.len();
    let r = node_radius(n);
    let group = |i: usize| props.groups.get(i).copied().unwrap_or(0);
    let links = (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b))).map(|(a, b)| {
        let ((x1, y1), (x2, y2)) = (position(a, n), position(b, n));
        let apart = group(a) != group(b);
        html! { <line class={classes!("link", apart.then_some("apart"))} x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} /> }
    });
    // A one-way cut is a red cross three quarters of the way from sender to receiver.
    let cuts = props.cuts.iter().filter(|&&(a, b)| a < n && b < n).map(|&(a, b)| {
        let ((x1, y1), (x2, y2)) = (position(a, n), position(b, n));
        let (x, y) = (x1 + (x2 - x1) * 0.72, y1 + (y2 - y1) * 0.72);
        let d = 6.0;
        html! {
            <g class="cut">
                <line x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} />
                <path d={format!("M{} {} L{} {} M{} {} L{} {}", x - d, y - d, x + d, y + d, x + d, y - d, x - d, y + d)} />
            </g>
        }
    });
    let dots = props.dots.iter().map(|d| {
        let ((x1, y1), (x2, y2)) = (position(d.from, n), position(d.to, n));
        // Dots leave from the rim of the sender and arrive at the rim of the receiver.
        let len = ((x2 - x1).powi(2) + (y2 - y1).powi(2)).sqrt().max(1.0);
        let (ux, uy) = ((x2 - x1) / len, (y2 - y1) / len);
        let (sx, sy, ex, ey) = (x1 + ux * r, y1 + uy * r, x2 - ux * r, y2 - uy * r);
        let p = d.progress.clamp(0.0, 1.0);
        let (x, y) = (sx + (ex - sx) * p, sy + (ey - sy) * p);
        let selected = props.selected_msg == Some(d.id);
        let class = classes!(
            "dot",
            d.class.to_string(),
            d.lost.then_some("lost"),
            selected.then_some("selected")
        );
        let onclick = {
            let (on, id) = (props.on_select_msg.clone(), d.id);
            Callback::from(move |e: MouseEvent| {
                e.stop_propagation();
                on.emit(id)
            })
        };
        let (x, y) = (format!("{x:.1}"), format!("{y:.1}"));
        html! {
            <g key={d.id} class={class} data-msg={d.id.to_string()} {onclick}>
                <circle class="hit" cx={x.clone()} cy={y.clone()} r="13" />
                <circle class="mark" cx={x} cy={y} r="7" />
                <title>{ d.title.clone() }</title>
            </g>
        }
    });
    let nodes = props.nodes.iter().enumerate().map(|(i, node)| {
        let (x, y) = position(i, n);
        let on_select = props.on_select.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_select.emit(i));
        let on_key = {
            let on_select = props.on_select.clone();
            Callback::from(move |e: KeyboardEvent| {
                if e.key() == "Enter" || e.key() == " " {
                    e.prevent_default();
                    on_select.emit(i);
                }
            })
        };
        let selected = props.selected == Some(i);
        let partitioned = props.groups.iter().any(|&g| g != group(0));
        let class = classes!(
            "node",
            node.class.to_string(),
            (!node.up).then_some("down"),
            selected.then_some("selected"),
            partitioned.then(|| format!("group-{}", group(i) % 4))
        );
        let timer = node.timer.map(|(left, kind)| {
            // A ring that drains clockwise from the top as the timer runs out.
            let tr = r + 7.0;
            let circumference = 2.0 * PI * tr;
            let shown = circumference * left.clamp(0.0, 1.0);
            html! {
                <circle class={classes!("timer", kind)} cx={x.to_string()} cy={y.to_string()} r={tr.to_string()}
                    stroke-dasharray={format!("{shown:.1} {circumference:.1}")}
                    transform={format!("rotate(-90 {x} {y})")} />
            }
        });
        let mut attrs = node.data.clone();
        attrs.push(("data-node", node.id.to_string()));
        attrs.push(("data-up", node.up.to_string()));
        let g = html! {
            <g class={class} tabindex="0" role="button" aria-label={format!("{} {}", node.label, node.caption)}
                {onclick} onkeydown={on_key}>
                <circle class="halo" cx={x.to_string()} cy={y.to_string()} r={(r + 12.0).to_string()} />
                { for timer }
                <circle class="body" cx={x.to_string()} cy={y.to_string()} r={r.to_string()} />
                if !node.up {
                    <path class="cross" d={format!("M{} {} L{} {} M{} {} L{} {}", x - 20.0, y - 20.0, x + 20.0, y + 20.0, x + 20.0, y - 20.0, x - 20.0, y + 20.0)} />
                }
                <text class="center" x={x.to_string()} y={(y + 8.0).to_string()}>{ node.center.clone() }</text>
                <text class="label" x={x.to_string()} y={(y - r - 16.0).to_string()}>{ node.label.clone() }</text>
                <text class="caption" x={x.to_string()} y={(y + r + 24.0).to_string()}>{ node.caption.clone() }</text>
            </g>
        };
        with_data_attributes(g, &attrs)
    });
    html! {
        <svg class="cluster" viewBox={format!("0 0 {SIZE} {SIZE}")} role="img" aria-label={props.aria_label.clone()}>
            <g class="links">{ for links }{ for cuts }</g>
            <g class="nodes">{ for nodes }</g>
            <g class="dots">{ for dots }</g>
        </svg>
    }
}

/// `html!` cannot take attribute names from data, so `data-*` attributes are added to the element afterwards.
fn with_data_attributes(mut node: Html, attrs: &[(&'static str, String)]) -> Html {
    if let Html::VTag(tag) = &mut node {
        for (name, value) in attrs {
            std::rc::Rc::make_mut(tag).add_attribute(name, value.clone());
        }
    }
    node
}
