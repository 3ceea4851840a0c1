//! The first minute: what a reader sees when the address names nothing. One sentence per
//! protocol, a button into each tour, free play, and the Lab. A reader who has been here before goes
//! back where they left off instead (the shell remembers the last address, [`remember`]).

use yew::prelude::*;

use crate::i18n::{Lang, say, tr};
use crate::registry;
use crate::tour::TOURS;

/// Where the last address is kept in the browser's storage.
const LAST_KEY: &str = "concord:last";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Keep `address` (a query, with its fragment) as where this reader left off.
pub fn remember(address: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(LAST_KEY, address);
    }
}

/// Where this reader left off, if they have been here before.
pub fn last_address() -> Option<String> {
    storage()?
        .get_item(LAST_KEY)
        .ok()
        .flatten()
        .filter(|a| a.starts_with('?'))
}

#[derive(Properties, PartialEq)]
pub struct WelcomeProps {
    pub lang: Lang,
}

#[component]
pub fn Welcome(p: &WelcomeProps) -> Html {
    let lang = p.lang;
    let cards = TOURS.iter().filter_map(|file| {
        let tour = crate::tour::load(file).ok()?;
        let href = format!("?tour={}&lang={}", file.name, lang.code());
        let protocol = registry::find(&tour.algo)?.label;
        let label = tr!(lang, "Take the {protocol} tour", "开始 {protocol} 导览");
        Some(html! {
            <li class={classes!("welcome-card", file.name)}>
                <h2>{ tour.title.get(lang).to_owned() }</h2>
                <p>{ tour.summary.get(lang).to_owned() }</p>
                <a class="button primary" data-start-tour={file.name} {href}>{ label }</a>
            </li>
        })
    });
    let free = format!("?algo=raft&lang={}", lang.code());
    let lab = format!("?lab=&lang={}", lang.code());
    html! {
        <div class="welcome" data-welcome="">
            <p class="lead">{ say(lang,
                "Concord lets you watch distributed consensus happen, one message at a time: pause, step back, crash a server, and see what the protocol does about it.",
                "Concord 让你一条消息一条消息地看分布式共识如何发生：暂停、后退、让一台服务器宕机，看看协议如何应对。") }</p>
            <ul class="welcome-cards">{ for cards }</ul>
            <p class="free-play">
                <a class="button" data-action="free-play" href={free}>{ say(lang, "Free play", "自由探索") }</a>
                { say(lang, " — the full playground, every panel, no story.", " —— 完整的演练场，所有面板，没有讲解。") }
            </p>
            <p class="welcome-lab">
                <a class="button" data-action="welcome-lab" href={lab}>{ say(lang, "The Lab", "实验室") }</a>
                { say(lang,
                    " — the papers' published results, reproduced: Raft's Figure 16, Demers' tables, dueling Paxos proposers, run in your browser from a seed.",
                    " —— 复现论文发表的结果：Raft 的图 16、Demers 的表格、Paxos 提议者的竞争，在浏览器里按种子运行。") }
            </p>
        </div>
    }
}
