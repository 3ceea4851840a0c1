//! Health checks, as Consul's agents run them: a node publishes its check's outcome as an
//! update of the key `Health(node)`, which spreads like any other update.

use super::node::{Cx, GossipNode, Timer};
use super::rule::Rule;
use super::store::{HEALTH_FAILING, HEALTH_PASSING, Key};

impl GossipNode {
    /// Consul's agent runs its check; a changed outcome is published as an update of the
    /// key `Health(self)`, which then spreads like any other update.
    pub(super) fn on_health(&mut self, cx: &mut Cx) {
        let Some(every) = self.config.health_interval else {
            return;
        };
        if !self.persistent.joined {
            return;
        }
        let key = Key::Health(self.id);
        let published = self
            .persistent
            .store
            .value(key)
            .is_none_or(|v| v == HEALTH_PASSING);
        let passing = self.persistent.check_passing;
        if passing != published {
            let value = if passing {
                HEALTH_PASSING
            } else {
                HEALTH_FAILING
            };
            let entry = self.persistent.store.write(key, value, self.id, cx.now());
            cx.explain(Rule::HealthChanged {
                passing,
                version: entry.version,
            });
            self.became_infective(key, entry.version, None, cx);
        }
        cx.set_timer(Timer::Health, every.max(super::config::MIN_PERIOD));
    }
}
