//! Drawing and words shared by every protocol: the cluster ring with its message dots, the
//! caption sentences every protocol words alike, the control bar, the animation-frame loop, the
//! copy buttons, an embed's link to the full playground, the legend, line charts.

// The Gossip view and the Lab draw with it; until they land nothing else does.
pub mod caption;
#[allow(dead_code)]
pub mod chart;
pub mod cluster;
pub mod controls;
pub mod copy;
pub mod frames;
pub mod full_link;
pub mod legend;
pub mod message;
pub mod network;
pub mod pending;
pub mod spacetime;
pub mod timeline;
