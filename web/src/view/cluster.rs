//! The cluster in SVG: nodes on a ring (or in columns, one per role), with messages as dots
//! travelling along the links. Protocol views describe nodes and messages with [`NodeView`] and
//! [`Dot`], and choose a [`Layout`]; this module only draws.
#![allow(
    clippy::indexing_slicing,
    reason = "the geometry is built here for exactly the nodes drawn, and indexed by them"
)]

use std::f64::consts::PI;

use yew::prelude::*;

/// The ring's square drawing.
const SIZE: f64 = 460.0;
const CENTER: f64 = SIZE / 2.0;
const RING: f64 = 158.0;
/// The columns' drawing: its width, and the band at the top that holds the headings.
const COLUMNS_WIDTH: f64 = 600.0;
const HEADING_BAND: f64 = 40.0;
/// Columns of this many nodes or more zigzag, this far either side of their line (far enough
/// that a node's caption clears its neighbour's body).
const ZIGZAG_FROM: usize = 6;
const ZIGZAG_OFFSET: f64 = 50.0;
/// A message a node sends to itself circles a loop of this radius beside it.
const LOOP_RADIUS: f64 = 13.0;

/// Where the nodes are drawn.
#[derive(Clone, PartialEq, Debug, Default)]
pub enum Layout {
    /// On a circle, the first node at the top, clockwise.
    #[default]
    Ring,
    /// In columns, left to right: `column[i]` is node `i`'s column (0 is the leftmost); nodes of a
    /// column stack top to bottom in id order under `headings[column]`.
    Columns {
        column: Vec<u8>,
        headings: Vec<AttrValue>,
    },
}

type Point = (f64, f64);

/// Where everything sits for one layout and cluster size.
struct Geometry {
    width: f64,
    height: f64,
    /// Node radius.
    r: f64,
    points: Vec<Point>,
    /// Column of each node, in the columns layout.
    columns: Option<Vec<u8>>,
    /// Heading texts and their x, in the columns layout.
    headings: Vec<(f64, AttrValue)>,
    /// Baseline offsets of the label above a node and of the caption below it, from its centre.
    label_dy: f64,
    caption_dy: f64,
}

impl Geometry {
    fn new(layout: &Layout, n: usize) -> Geometry {
        match layout {
            Layout::Ring => Geometry {
                width: SIZE,
                height: SIZE,
                r: node_radius(n),
                points: (0..n).map(|i| ring_position(i, n)).collect(),
                columns: None,
                headings: Vec::new(),
                label_dy: -(node_radius(n) + 16.0),
                caption_dy: node_radius(n) + 24.0,
            },
            Layout::Columns { column, headings } => columns_geometry(column, headings, n),
        }
    }

    /// Outward from the middle of the drawing, for loops and bulging curves.
    fn outward(&self, i: usize) -> Point {
        let (x, y) = self.points[i];
        match self.columns {
            // Away from the centre line; a node on it loops to the right.
            Some(_) => (
                if x < self.width / 2.0 - 1.0 {
                    -1.0
                } else {
                    1.0
                },
                0.0,
            ),
            None => {
                let (dx, dy) = (x - self.width / 2.0, y - self.height / 2.0);
                let len = (dx * dx + dy * dy).sqrt();
                if len < 1.0 {
                    return (1.0, 0.0);
                }
                // Turned 45° clockwise, so the loop misses the label above the top node.
                let (ux, uy) = (dx / len, dy / len);
                let c = std::f64::consts::FRAC_1_SQRT_2;
                (c * (ux - uy), c * (ux + uy))
            }
        }
    }

    /// The path a message from `a` to `b` travels.
    fn route(&self, a: usize, b: usize) -> Route {
        let (pa, pb) = (self.points[a], self.points[b]);
        if a == b {
            let (ux, uy) = self.outward(a);
            // The loop overlaps the node's rim, so the dot visibly leaves and comes back.
            let d = self.r + LOOP_RADIUS * 0.6;
            return Route::Loop {
                centre: (pa.0 + ux * d, pa.1 + uy * d),
                node: pa,
            };
        }
        let same_column = self.columns.as_ref().is_some_and(|c| c.get(a) == c.get(b));
        if !same_column {
            return Route::Line { from: pa, to: pb };
        }
        // A straight line along a column would run through the nodes between: bulge outward,
        // as far as the margin allows.
        let (ox, _) = self.outward(a);
        let x = (pa.0 + pb.0) / 2.0;
        let margin = if ox < 0.0 { x } else { self.width - x };
        let bulge = (0.5 * (pb.1 - pa.1).abs() + 40.0).min(2.0 * (margin - 12.0));
        let control = (x + ox * bulge, (pa.1 + pb.1) / 2.0);
        Route::Curve {
            from: pa,
            control,
            to: pb,
        }
    }
}

/// Where node `i` of `n` sits on the ring: the first at the top, clockwise.
fn ring_position(i: usize, n: usize) -> Point {
    if n == 1 {
        return (CENTER, CENTER);
    }
    let angle = -PI / 2.0 + 2.0 * PI * i as f64 / n as f64;
    (CENTER + RING * angle.cos(), CENTER + RING * angle.sin())
}

/// Rings of more nodes than this are crowded: smaller nodes, labels outside the ring, no captions
/// and no links (every pair of sixty nodes would be 1,770 lines).
const CROWDED_FROM: usize = 10;

fn node_radius(n: usize) -> f64 {
    match n {
        0..=5 => 34.0,
        6..CROWDED_FROM => 30.0,
        // Four fifths of the room each node has on the ring.
        _ => (0.8 * PI * RING / n as f64).max(5.0),
    }
}

/// Columns spread evenly across the width; each column's nodes stacked and centred vertically.
/// A column of [`ZIGZAG_FROM`] nodes or more alternates left and right of its line, so
/// neighbours' words sit side by side and the column takes about half the height: seven
/// acceptors still fit one screen.
fn columns_geometry(column: &[u8], headings: &[AttrValue], n: usize) -> Geometry {
    let col = |i: usize| column.get(i).copied().unwrap_or(0) as usize;
    let count = (0..n).map(col).max().map_or(1, |c| c + 1);
    let mut sizes = vec![0usize; count];
    for i in 0..n {
        sizes[col(i)] += 1;
    }
    let tallest = sizes.iter().copied().max().unwrap_or(1).max(1);
    let r = if tallest <= 3 { 30.0 } else { 26.0 };
    // Label above and caption below, with the timer ring between: 2r + 49 tall, plus a gap.
    let row = 2.0 * r + 56.0;
    let zigzag = |c: usize| sizes[c] >= ZIGZAG_FROM;
    // Nodes of a zigzag column two apart are a full row apart.
    let pitch = |c: usize| if zigzag(c) { r + 30.0 } else { row };
    let extent = |c: usize| (sizes[c].max(1) - 1) as f64 * pitch(c) + row;
    let tallest_extent = (0..count).map(extent).fold(row, f64::max);
    let height = HEADING_BAND + tallest_extent + 8.0;
    let x_of = |c: usize| COLUMNS_WIDTH * (c as f64 + 0.5) / count as f64;
    let mut seen = vec![0usize; count];
    let points = (0..n)
        .map(|i| {
            let c = col(i);
            let k = seen[c];
            seen[c] += 1;
            let top = HEADING_BAND + (tallest_extent - extent(c)) / 2.0;
            let side = match (zigzag(c), k % 2) {
                (false, _) => 0.0,
                (true, 0) => -ZIGZAG_OFFSET,
                (true, _) => ZIGZAG_OFFSET,
            };
            (x_of(c) + side, top + row / 2.0 + pitch(c) * k as f64)
        })
        .collect();
    Geometry {
        width: COLUMNS_WIDTH,
        height,
        r,
        points,
        columns: Some((0..n).map(|i| col(i) as u8).collect()),
        headings: (0..count)
            .filter(|&c| sizes[c] > 0)
            .filter_map(|c| headings.get(c).map(|h| (x_of(c), h.clone())))
            .collect(),
        label_dy: -(r + 11.0),
        caption_dy: r + 21.0,
    }
}

/// The path of a message, from the sender's centre to the receiver's.
enum Route {
    Line {
        from: Point,
        to: Point,
    },
    /// A quadratic Bézier curve.
    Curve {
        from: Point,
        control: Point,
        to: Point,
    },
    /// Round a small circle beside the node and back.
    Loop {
        centre: Point,
        node: Point,
    },
}

fn toward(from: Point, to: Point, by: f64) -> Point {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt().max(1.0);
    (from.0 + dx / len * by, from.1 + dy / len * by)
}

impl Route {
    /// Where a dot is at `progress` (0 at the sender, 1 at the receiver): it leaves from the rim
    /// of the sender and arrives at the rim of the receiver.
    fn point(&self, progress: f64, r: f64) -> Point {
        let p = progress.clamp(0.0, 1.0);
        match *self {
            Route::Line { from, to } => {
                let (s, e) = (toward(from, to, r), toward(to, from, r));
                (s.0 + (e.0 - s.0) * p, s.1 + (e.1 - s.1) * p)
            }
            Route::Curve { from, control, to } => {
                let (s, e) = (toward(from, control, r), toward(to, control, r));
                let q = 1.0 - p;
                (
                    q * q * s.0 + 2.0 * q * p * control.0 + p * p * e.0,
                    q * q * s.1 + 2.0 * q * p * control.1 + p * p * e.1,
                )
            }
            Route::Loop { centre, node } => {
                // Start on the loop where it is nearest the node, go once round clockwise.
                let start = (node.1 - centre.1).atan2(node.0 - centre.0);
                let angle = start + 2.0 * PI * p;
                (
                    centre.0 + LOOP_RADIUS * angle.cos(),
                    centre.1 + LOOP_RADIUS * angle.sin(),
                )
            }
        }
    }

    /// The route as an SVG path, centre to centre (a link or a cut is drawn along it).
    fn path(&self) -> String {
        match *self {
            Route::Line { from, to } => {
                format!("M{:.1} {:.1} L{:.1} {:.1}", from.0, from.1, to.0, to.1)
            }
            Route::Curve { from, control, to } => format!(
                "M{:.1} {:.1} Q{:.1} {:.1} {:.1} {:.1}",
                from.0, from.1, control.0, control.1, to.0, to.1
            ),
            Route::Loop { centre, .. } => format!(
                "M{:.1} {:.1} a{r} {r} 0 1 0 {d} 0 a{r} {r} 0 1 0 -{d} 0",
                centre.0 - LOOP_RADIUS,
                centre.1,
                r = LOOP_RADIUS,
                d = 2.0 * LOOP_RADIUS
            ),
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct NodeView {
    /// 1-based id, as shown.
    pub id: u16,
    pub label: AttrValue,
    /// The big text inside the node (Raft: the term).
    pub center: AttrValue,
    /// Short words under the node (role, votes …).
    pub caption: AttrValue,
    /// CSS classes naming the node's role or state, e.g. `leader`. With the class `square` the
    /// node is drawn as a rounded square instead of a circle: a second kind of node (Raft's
    /// learners) differs by shape, not by colour alone.
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
    #[prop_or_default]
    pub layout: Layout,
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

#[component]
pub fn Cluster(props: &ClusterProps) -> Html {
    let n = props.nodes.len();
    let geo = Geometry::new(&props.layout, n);
    let r = geo.r;
    let group = |i: usize| props.groups.get(i).copied().unwrap_or(0);
    // Every pair on the ring; in columns only neighbouring columns, which is where messages go
    // (a line within a column would run through the nodes between).
    let linked = |a: usize, b: usize| match &geo.columns {
        None => true,
        Some(c) => c[a].abs_diff(c[b]) == 1,
    };
    let crowded = geo.columns.is_none() && n >= CROWDED_FROM;
    let links = (0..n)
        .flat_map(|a| (a + 1..n).map(move |b| (a, b)))
        .filter(|_| !crowded)
        .filter(|&(a, b)| linked(a, b))
        .map(|(a, b)| {
            let ((x1, y1), (x2, y2)) = (geo.points[a], geo.points[b]);
            let apart = group(a) != group(b);
            html! { <line class={classes!("link", apart.then_some("apart"))} x1={x1.to_string()} y1={y1.to_string()} x2={x2.to_string()} y2={y2.to_string()} /> }
        });
    // A one-way cut is a red cross three quarters of the way from sender to receiver.
    let cuts = props.cuts.iter().filter(|&&(a, b)| a < n && b < n && a != b).map(|&(a, b)| {
        let route = geo.route(a, b);
        let (x, y) = route.point(0.72, 0.0);
        let d = 6.0;
        html! {
            <g class="cut">
                <path class="wire" d={route.path()} />
                <path class="x" d={format!("M{} {} L{} {} M{} {} L{} {}", x - d, y - d, x + d, y + d, x + d, y - d, x - d, y + d)} />
            </g>
        }
    });
    let dots = props
        .dots
        .iter()
        .filter(|d| d.from < n && d.to < n)
        .map(|d| {
            let route = geo.route(d.from, d.to);
            let (x, y) = route.point(d.progress, r);
            // Loops and curves are drawn while a message travels them; straight links always are.
            let trail = (!matches!(route, Route::Line { .. }))
                .then(|| html! { <path class="trail" d={route.path()} /> });
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
            let onkeydown = {
                let (on, id) = (props.on_select_msg.clone(), d.id);
                Callback::from(move |e: KeyboardEvent| {
                    if e.key() == "Enter" || e.key() == " " {
                        e.prevent_default();
                        on.emit(id)
                    }
                })
            };
            let (x, y) = (format!("{x:.1}"), format!("{y:.1}"));
            html! {
                <g key={d.id} class={class} data-msg={d.id.to_string()} tabindex="0" role="button"
                    aria-label={d.title.clone()} {onclick} {onkeydown}>
                    { for trail }
                    <circle class="hit" cx={x.clone()} cy={y.clone()} r="13" />
                    <circle class="mark" cx={x} cy={y} r="7" />
                    <title>{ d.title.clone() }</title>
                </g>
            }
        });
    let headings = geo.headings.iter().map(|(x, text)| {
        html! { <text class="heading" x={format!("{x:.1}")} y="24">{ text.clone() }</text> }
    });
    let nodes = props.nodes.iter().enumerate().map(|(i, node)| {
        let (x, y) = geo.points[i];
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
        let square = node.class.split_whitespace().any(|c| c == "square");
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
        // The ring's nodes get a cross 40 wide; smaller nodes a proportionally smaller one.
        let cross = (r * 0.67).min(20.0);
        let mut attrs = node.data.clone();
        attrs.push(("data-node", node.id.to_string()));
        attrs.push(("data-up", node.up.to_string()));
        let name = match crowded {
            true => format!("{} {} {}", node.label, node.center, node.caption),
            false => format!("{} {} {}", node.label, node.caption, node.center),
        };
        let g = html! {
            // The name starts with the words drawn, in the order they are in the document
            // (label, caption, centre; crowded: label, centre), so a reader who says what they
            // see ("S2 leader") names the node; a crowded node's caption is in its tooltip only,
            // so it comes last. The spaces between the texts keep the words apart for
            // assistive technology and draw nothing.
            <g class={class} tabindex="0" role="button" aria-label={name}
                {onclick} onkeydown={on_key}>
                <circle class="halo" cx={x.to_string()} cy={y.to_string()} r={(r + 12.0).to_string()} />
                { for timer }
                if square {
                    <rect class="body" x={(x - r * 0.9).to_string()} y={(y - r * 0.9).to_string()}
                        width={(r * 1.8).to_string()} height={(r * 1.8).to_string()} rx={(r * 0.35).to_string()} />
                } else {
                    <circle class="body" cx={x.to_string()} cy={y.to_string()} r={r.to_string()} />
                }
                if !node.up {
                    <path class="cross" d={format!("M{} {} L{} {} M{} {} L{} {}", x - cross, y - cross, x + cross, y + cross, x + cross, y - cross, x - cross, y + cross)} />
                }
                if crowded {
                    // Outward from the centre, clear of both neighbours; the caption is in the
                    // node's tooltip and its inspector.
                    <text class="label" x={format!("{:.1}", CENTER + (x - CENTER) * (1.0 + (r + 14.0) / RING))}
                        y={format!("{:.1}", CENTER + (y - CENTER) * (1.0 + (r + 14.0) / RING) + 4.0)}>{ node.label.clone() }</text>
                    { " " }
                    <text class="center" x={x.to_string()} y={format!("{:.1}", y + 0.33 * r)}
                        font-size={format!("{:.0}", r.min(22.0))}>{ node.center.clone() }</text>
                    <title>{ format!("{} · {}", node.label, node.caption) }</title>
                } else {
                    <text class="label" x={x.to_string()} y={(y + geo.label_dy).to_string()}>{ node.label.clone() }</text>
                    { " " }
                    <text class="caption" x={x.to_string()} y={(y + geo.caption_dy).to_string()}>{ node.caption.clone() }</text>
                    { " " }
                    <text class="center" x={x.to_string()} y={(y + 8.0).to_string()}>{ node.center.clone() }</text>
                }
            </g>
        };
        with_data_attributes(g, &attrs)
    });
    let layout_class = match props.layout {
        Layout::Ring => "ring",
        Layout::Columns { .. } => "columns",
    };
    html! {
        <svg class={classes!("cluster", layout_class, crowded.then_some("crowded"))} viewBox={format!("0 0 {} {}", geo.width, geo.height)} role="group" aria-label={props.aria_label.clone()}>
            <g class="headings">{ for headings }</g>
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
