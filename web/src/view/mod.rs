//! Drawing and words shared by every protocol: the cluster ring with its message dots, the
//! caption sentences every protocol words alike, the control bar, the animation-frame loop and
//! what a playing run draws less often, being told of an element's new size and whether it is
//! in view, what node inspectors and settings panels share, the copy buttons, an embed's link to
//! the full playground, the legend, line charts, switches and notices.

pub mod caption;
pub mod chart;
pub mod cluster;
pub mod controls;
pub mod copy;
pub mod frames;
pub mod full_link;
pub mod in_view;
pub mod inspector;
pub mod legend;
pub mod message;
pub mod network;
pub mod notice;
pub mod paced;
pub mod pending;
pub mod resized;
pub mod settings;
pub mod spacetime;
pub mod steady;
pub mod switches;
pub mod timeline;
