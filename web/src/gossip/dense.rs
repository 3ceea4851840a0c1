//! Large clusters as a grid of cells on a `<canvas>`, one cell per node: the cell's shade says its
//! SIR state (light: susceptible, orange: infective, dark blue: removed — different lightness too,
//! so the spread reads without colour), a crossed dark cell a crashed node, a hollow one a node
//! outside the cluster. A dot in a cell: messages are on their way to it (individual dots would be
//! thousands). Drawing 10,000 cells is a few fills per cell, once per frame; nothing else is
//! per node.

use std::rc::Rc;

use concord_core::gossip::{GossipNode, Sir};
use concord_core::sim::Sim;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, HtmlInputElement, ResizeObserver};
use yew::prelude::*;

use super::{focus, sir_of};
use crate::i18n::{Lang, say, tr};

/// The grid's width in CSS pixels at most; cells are square.
const GRID_WIDTH: f64 = 640.0;
/// A cell's side in CSS pixels at most (small clusters).
const CELL_MAX: f64 = 40.0;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Cell {
    Susceptible,
    Infective,
    Removed,
    Down,
    Outside,
}

pub fn dense_view(
    lang: Lang,
    sim: &Sim<GossipNode>,
    selected: Option<usize>,
    on_select: Callback<usize>,
) -> Html {
    let focus = focus(sim);
    let nodes = sim.nodes();
    let cells: Vec<Cell> = nodes
        .iter()
        .map(|slot| {
            if !slot.up {
                Cell::Down
            } else if !slot.state.is_member() {
                Cell::Outside
            } else {
                match sir_of(slot, focus) {
                    Sir::Susceptible => Cell::Susceptible,
                    Sir::Infective => Cell::Infective,
                    Sir::Removed => Cell::Removed,
                }
            }
        })
        .collect();
    let mut incoming = vec![0u16; nodes.len()];
    let mut in_flight = 0usize;
    for env in sim.in_flight() {
        in_flight += 1;
        if let Some(c) = incoming.get_mut(env.to.index()) {
            *c = c.saturating_add(1);
        }
    }
    html! {
        <DenseGrid {lang} cells={Rc::new(cells)} incoming={Rc::new(incoming)} {in_flight} {selected} {on_select} />
    }
}

#[derive(Properties, PartialEq)]
pub struct DenseProps {
    pub lang: Lang,
    pub cells: Rc<Vec<Cell>>,
    /// Messages in flight to each node.
    pub incoming: Rc<Vec<u16>>,
    pub in_flight: usize,
    pub selected: Option<usize>,
    pub on_select: Callback<usize>,
}

/// Columns of the grid of `n` cells: as many as rows, or one more.
fn columns(n: usize) -> usize {
    (n as f64).sqrt().ceil().max(1.0) as usize
}

/// A cell's side in canvas pixels for `cols` columns in `width` CSS pixels and, if the grid
/// must fit its box's height too, `rows` rows in `height` CSS pixels, at `ratio` canvas pixels
/// per CSS pixel. A whole number of the screen's own pixels, and the canvas shown at exactly
/// its size, so every cell and every gap between cells looks the same (a scaled canvas would
/// drop some gaps and double others).
fn cell_side(cols: usize, rows: usize, width: f64, height: Option<f64>, ratio: f64) -> u32 {
    let across = width.clamp(1.0, GRID_WIDTH) * ratio / cols as f64;
    let down = height.map_or(f64::INFINITY, |h| h.max(1.0) * ratio / rows.max(1) as f64);
    (across.min(down).floor() as u32).clamp(1, (CELL_MAX * ratio) as u32)
}

/// The height left for the canvas in its box, in CSS pixels, when the box's style says the grid
/// fits it (`--grid-fit: box`, a guided tour's stage, whose height the window sets); otherwise
/// none, and the grid's width alone sets its size.
fn height_room(canvas: &HtmlCanvasElement, border: i32) -> Option<f64> {
    let parent = canvas.parent_element()?;
    let style = web_sys::window()?.get_computed_style(&parent).ok()??;
    if style.get_property_value("--grid-fit").ok()?.trim() != "box" {
        return None;
    }
    let me: &web_sys::Element = canvas.as_ref();
    let children = parent.children();
    let others: i32 = (0..children.length())
        .filter_map(|i| children.item(i))
        .filter(|e| e != me)
        .map(|e| e.client_height())
        .sum();
    // The gap between the canvas and the bar under it.
    const GAP: i32 = 8;
    Some(f64::from(parent.client_height() - others - border - GAP))
}

fn fill(cell: Cell) -> &'static str {
    match cell {
        Cell::Susceptible => "#dee2e6",
        Cell::Infective => "#f76707",
        Cell::Removed => "#1d3f8f",
        Cell::Down => "#343a40",
        Cell::Outside => "#ffffff",
    }
}

/// Sizes the canvas to the room its box offers and draws the cells.
fn draw(canvas: &HtmlCanvasElement, cells: &[Cell], incoming: &[u16], selected: Option<usize>) {
    let n = cells.len();
    let cols = columns(n);
    let ratio = web_sys::window().map_or(1.0, |w| w.device_pixel_ratio().max(1.0));
    // The box's width less the canvas's own border.
    let border = canvas.offset_width() - canvas.client_width();
    let room = canvas
        .parent_element()
        .map(|e| e.client_width() - border)
        .filter(|&w| w > 0)
        .map_or(GRID_WIDTH, f64::from);
    let rows = n.div_ceil(cols);
    let cell = cell_side(cols, rows, room, height_room(canvas, border), ratio);
    let (w, h) = (cols as u32 * cell, rows as u32 * cell);
    if canvas.width() != w || canvas.height() != h {
        canvas.set_width(w);
        canvas.set_height(h);
        let _ = canvas.set_attribute(
            "style",
            &format!(
                "width: {}px; height: {}px",
                f64::from(w) / ratio,
                f64::from(h) / ratio
            ),
        );
    }
    let Some(cx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    cx.set_fill_style_str("#ffffff");
    cx.fill_rect(0.0, 0.0, w as f64, h as f64);
    let size = cell as f64;
    let gap = if cell >= 6 { 1.0 } else { 0.0 };
    // Lines a whole number of screen pixels wide.
    let line = ratio.round();
    let at = |i: usize| (((i % cols) as f64) * size, ((i / cols) as f64) * size);
    // One fill style at a time: group the cells by look.
    for look in [
        Cell::Susceptible,
        Cell::Infective,
        Cell::Removed,
        Cell::Down,
    ] {
        cx.set_fill_style_str(fill(look));
        for (i, _) in cells.iter().enumerate().filter(|(_, c)| **c == look) {
            let (x, y) = at(i);
            cx.fill_rect(x, y, size - gap, size - gap);
        }
    }
    cx.set_stroke_style_str("#868e96");
    cx.set_line_width(line);
    for (i, _) in cells
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == Cell::Outside)
    {
        let (x, y) = at(i);
        let inset = line / 2.0;
        cx.stroke_rect(x + inset, y + inset, size - gap - line, size - gap - line);
    }
    if cell >= 5 {
        // Crashed: a light cross over the dark cell.
        cx.set_stroke_style_str("#ced4da");
        cx.begin_path();
        for (i, _) in cells.iter().enumerate().filter(|(_, c)| **c == Cell::Down) {
            let (x, y) = at(i);
            let e = size - gap;
            cx.move_to(x + 1.0, y + 1.0);
            cx.line_to(x + e - 1.0, y + e - 1.0);
            cx.move_to(x + e - 1.0, y + 1.0);
            cx.line_to(x + 1.0, y + e - 1.0);
        }
        cx.stroke();
    }
    // Messages on their way: a dot in the receiver's cell.
    cx.set_fill_style_str("#111111");
    let r = (size / 4.0).max(1.0);
    for (i, _) in incoming.iter().enumerate().filter(|(_, c)| **c > 0) {
        let (x, y) = at(i);
        let c = (size - gap) / 2.0;
        cx.fill_rect(x + c - r / 2.0, y + c - r / 2.0, r, r);
    }
    if let Some(i) = selected.filter(|&i| i < n) {
        let (x, y) = at(i);
        cx.set_stroke_style_str("#1971c2");
        cx.set_line_width(2.0 * line);
        cx.stroke_rect(x - line, y - line, size + line, size + line);
    }
}

#[component]
pub fn DenseGrid(p: &DenseProps) -> Html {
    let lang = p.lang;
    let canvas = use_node_ref();
    // The size of the grid's box, watched: a narrower (or, in a tour, lower) box redraws the
    // grid to fit.
    let room = use_state_eq(|| (0, 0));
    {
        let (canvas, room) = (canvas.clone(), room.setter());
        use_effect_with((), move |_| {
            let observed = canvas
                .cast::<HtmlCanvasElement>()
                .and_then(|c| c.parent_element());
            let on_resize = Closure::<dyn FnMut()>::new({
                let observed = observed.clone();
                move || {
                    if let Some(e) = &observed {
                        room.set((e.client_width(), e.client_height()));
                    }
                }
            });
            let observer = ResizeObserver::new(on_resize.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(e)) = (&observer, &observed) {
                o.observe(e);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(on_resize);
            }
        });
    }
    {
        // Redrawn when what it shows changed (each frame while the run moves) or its box did.
        let canvas = canvas.clone();
        let shown = (p.cells.clone(), p.incoming.clone(), p.selected, *room);
        use_effect_with(shown, move |(cells, incoming, selected, _)| {
            if let Some(c) = canvas.cast::<HtmlCanvasElement>() {
                draw(&c, cells, incoming, *selected);
            }
        });
    }
    let n = p.cells.len();
    let count = |look: Cell| p.cells.iter().filter(|c| **c == look).count();
    let (s, i, r, down) = (
        count(Cell::Susceptible),
        count(Cell::Infective),
        count(Cell::Removed),
        count(Cell::Down),
    );
    let onclick = {
        let (on_select, canvas) = (p.on_select.clone(), canvas.clone());
        Callback::from(move |e: MouseEvent| {
            let Some(c) = canvas.cast::<HtmlCanvasElement>() else {
                return;
            };
            let cols = columns(n);
            let cell = f64::from((c.width() / cols as u32).max(1));
            let scale = f64::from(c.width()) / f64::from(c.client_width().max(1));
            let x = (f64::from(e.offset_x()) * scale / cell) as usize;
            let y = (f64::from(e.offset_y()) * scale / cell) as usize;
            let i = y * cols + x.min(cols - 1);
            if i < n {
                on_select.emit(i);
            }
        })
    };
    let on_pick = {
        let on_select = p.on_select.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            if let Ok(id) = input
                .value()
                .trim()
                .trim_start_matches(['S', 's'])
                .parse::<usize>()
                && (1..=n).contains(&id)
            {
                on_select.emit(id - 1);
            }
        })
    };
    let label = match lang {
        Lang::En => {
            format!("{n} nodes: {s} susceptible, {i} infective, {r} removed, {down} crashed")
        }
        Lang::Zh => format!("{n} 个节点：{s} 易感，{i} 感染，{r} 移除，{down} 宕机"),
    };
    html! {
        <div class="dense" data-dense="" data-nodes={n.to_string()} data-susceptible={s.to_string()}
            data-infective={i.to_string()} data-removed={r.to_string()} data-down={down.to_string()}
            data-in-flight={p.in_flight.to_string()}>
            <canvas ref={canvas} role="img" aria-label={label.clone()} {onclick}></canvas>
            <div class="dense-bar">
                <span class="note">{ label }{ tr!(lang, " · {} messages in flight (a dot: some on their way to that node)", " · {} 条消息在途（圆点：有消息正发往该节点）", p.in_flight) }</span>
                <label>{ say(lang, "Select node", "选择节点") }
                    <input type="number" data-control="pick-node" min="1" max={n.to_string()} onchange={on_pick} />
                </label>
            </div>
        </div>
    }
}
