//! The network panel, told in the caption: in each protocol a reader partitions the cluster,
//! cuts a link one way, cuts another both ways, restores the first and heals, and after each
//! step the caption says exactly what changed (captions are composed once for every protocol,
//! `web/src/view/caption.rs`). Raft is also read in Chinese. Runs in headless Chromium against
//! `$CONCORD_DIST`.

use concord_tests::page::Page;
use concord_tests::{Outcome, ensure};

/// What the caption says after each network step, in one language.
struct Said {
    /// S1 and S2 split from the rest.
    partition: &'static str,
    cut_s1_s2: &'static str,
    cut_s2_s3: &'static str,
    cut_s3_s2: &'static str,
    uncut_s1_s2: &'static str,
    heal: &'static str,
}

const EN: Said = Said {
    partition: "The network split: S1, S2 | the rest. Messages from one side to another are lost.",
    cut_s1_s2: "The link S1 → S2 was cut: messages that way are lost.",
    cut_s2_s3: "The link S2 → S3 was cut: messages that way are lost.",
    cut_s3_s2: "The link S3 → S2 was cut: messages that way are lost.",
    uncut_s1_s2: "The link S1 → S2 works again.",
    heal: "The network healed: every link works again.",
};

const ZH: Said = Said {
    partition: "网络被分区：S1, S2 | 其余节点。跨分区的消息会丢失。",
    cut_s1_s2: "链路 S1 → S2 被切断：这个方向的消息会丢失。",
    cut_s2_s3: "链路 S2 → S3 被切断：这个方向的消息会丢失。",
    cut_s3_s2: "链路 S3 → S2 被切断：这个方向的消息会丢失。",
    uncut_s1_s2: "链路 S1 → S2 恢复连通。",
    heal: "网络已恢复：所有链路重新连通。",
};

#[tokio::test]
async fn raft_captions_each_network_change() {
    let page = Page::open("/?algo=raft&nodes=5&seed=7&lang=en").await;
    let result = network_changes(&page, &EN).await;
    page.finish("captions-raft", result).await;
}

#[tokio::test]
async fn raft_captions_each_network_change_in_chinese() {
    let page = Page::open("/?algo=raft&nodes=5&seed=7&lang=zh").await;
    let result = network_changes(&page, &ZH).await;
    page.finish("captions-raft-zh", result).await;
}

#[tokio::test]
async fn gossip_captions_each_network_change() {
    let page = Page::open("/?algo=gossip&nodes=5&seed=7&lang=en").await;
    let result = network_changes(&page, &EN).await;
    page.finish("captions-gossip", result).await;
}

#[tokio::test]
async fn paxos_captions_each_network_change() {
    let page = Page::open("/?algo=paxos&nodes=3&seed=7&lang=en").await;
    let result = network_changes(&page, &EN).await;
    page.finish("captions-paxos", result).await;
}

/// Waits for step `step`, then checks the caption reads `said`, exactly: a network change fires
/// no rule, so its sentence is the whole caption.
async fn expect(page: &Page, step: u64, what: &str, said: &str) -> Outcome {
    page.wait_for_step(step).await?;
    let caption = page.caption().await?;
    ensure!(
        caption == said,
        "step {step} ({what}) should be captioned {said:?}, not {caption:?}"
    );
    Ok(())
}

async fn network_changes(page: &Page, said: &Said) -> Outcome {
    let start = page.status().await?.step;

    page.partition(&[1, 2]).await?;
    expect(page, start + 1, "partition S1, S2", said.partition).await?;

    page.pick_link(1, 2).await?;
    page.press("cut-one-way").await?;
    expect(page, start + 2, "cut S1 → S2", said.cut_s1_s2).await?;

    // Both ways is two steps, one link each: the caption tells the second, and one step back
    // the first.
    page.pick_link(2, 3).await?;
    page.press("cut-both").await?;
    expect(page, start + 4, "cut S2 ↔ S3", said.cut_s3_s2).await?;
    page.press("back").await?;
    expect(page, start + 3, "back to cut S2 → S3", said.cut_s2_s3).await?;
    page.press("step").await?;
    expect(page, start + 4, "forward to cut S3 → S2", said.cut_s3_s2).await?;
    let cuts = page
        .attributes("details.network ul.cuts li", "class")
        .await?;
    ensure!(
        cuts.len() == 3,
        "the panel should list the three cut links, lists {}",
        cuts.len()
    );

    page.uncut(1, 2).await?;
    expect(page, start + 5, "restore S1 → S2", said.uncut_s1_s2).await?;

    page.press("heal").await?;
    expect(page, start + 6, "heal", said.heal).await?;
    let cuts = page
        .attributes("details.network ul.cuts li", "class")
        .await?;
    ensure!(
        cuts.is_empty(),
        "after the heal no link should be listed as cut, {} are",
        cuts.len()
    );
    Ok(())
}
