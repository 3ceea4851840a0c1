//! What the settings panels that write a run's options share: their props (the run, and how to
//! start another), edits that start the run a changed copy of the settings makes, and the
//! checkbox of one setting.

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::run::RunConfig;

#[derive(Properties, PartialEq)]
pub struct RunProps {
    pub lang: Lang,
    pub run: RunConfig,
    /// A changed setting: a new run.
    pub on_run: Callback<RunConfig>,
}

/// Changes to a protocol's settings `S`: each applies to a copy of them and starts the run the
/// copy makes.
pub struct Edits<S> {
    settings: S,
    make_run: Rc<dyn Fn(&S) -> RunConfig>,
    on_run: Callback<RunConfig>,
}

impl<S: Clone + 'static> Edits<S> {
    pub fn new(
        settings: &S,
        on_run: &Callback<RunConfig>,
        make_run: impl Fn(&S) -> RunConfig + 'static,
    ) -> Self {
        Edits {
            settings: settings.clone(),
            make_run: Rc::new(make_run),
            on_run: on_run.clone(),
        }
    }

    /// A callback that changes the settings with what it is given, then starts their run.
    pub fn on<T: 'static>(&self, apply: impl Fn(&mut S, T) + 'static) -> Callback<T> {
        let (settings, make_run, on_run) = (
            self.settings.clone(),
            self.make_run.clone(),
            self.on_run.clone(),
        );
        Callback::from(move |value: T| {
            let mut next = settings.clone();
            apply(&mut next, value);
            on_run.emit(make_run(&next));
        })
    }

    /// The checkbox of the setting `name` (its `data-control`), ticked when `checked`; `set`
    /// turns it on or off.
    pub fn toggle(
        &self,
        name: &'static str,
        label: &'static str,
        checked: bool,
        set: fn(&mut S, bool),
    ) -> Html {
        let onchange = self.on(move |s, e: Event| {
            set(s, e.target_unchecked_into::<HtmlInputElement>().checked());
        });
        html! {
            <label class="switch"><input type="checkbox" data-control={name} {checked} {onchange} />{ label }</label>
        }
    }
}
