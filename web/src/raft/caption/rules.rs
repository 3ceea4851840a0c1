//! Every Raft rule in words, English and Chinese side by side, in one match that names each
//! rule: the paper's (elections §5.2, the log §5.3–§5.4, clients §8, snapshots §7) and the
//! thesis's (membership chapter 4, reads §6.4, PreVote §9.6, CheckQuorum §6.2, leadership
//! transfer §3.10). Each sentence ends with the rule's section.

use concord_core::raft::{DenyReason, Role, Rule, Stored};
use concord_core::sim::{NodeId, Time};

use super::super::membership::{change_text, refusal_text};
use crate::i18n::{Lang, say, tr};
use crate::view::caption::{ms, write_done, write_lost, write_started};

/// The sentence of `rule`, fired by `n` at `now`.
pub fn rule_text(lang: Lang, n: NodeId, now: Time, rule: &Rule) -> String {
    let s = rule.section();
    match rule {
        // Stable storage (Figure 2: "updated on stable storage before responding to RPCs").
        Rule::WriteStarted {
            state,
            held,
            done_at,
        } => {
            let why = tr!(
                lang,
                "{s}: state is made durable before the server answers",
                "{s}：先持久化，再回复"
            );
            let wait = done_at.saturating_sub(now);
            write_started(lang, n, &stored(lang, state), *held, wait, &why)
        }
        Rule::Persisted { state, released } => {
            write_done(lang, n, &stored(lang, state), *released, s)
        }
        Rule::WriteLost { kept, lost } => {
            write_lost(lang, n, &stored(lang, kept), &stored(lang, lost), s)
        }
        // Elections (§5.1, §5.2).
        Rule::StartElection { term, forced } => {
            let why = timed_out(lang, *forced);
            tr!(
                lang,
                "{n} {why}, became candidate for term {term}, voted for itself and asked the \
                 others for votes ({s}).",
                "{n} {why}，成为任期 {term} 的 candidate，先投自己一票，再向其他节点请求投票（{s}）。"
            )
        }
        Rule::AdoptTerm {
            was: Role::Follower,
            term,
        } => tr!(
            lang,
            "{n} saw the newer term {term} and adopted it ({s}).",
            "{n} 看到更新的任期 {term}，更新了自己的任期（{s}）。"
        ),
        Rule::AdoptTerm {
            was: was @ (Role::Candidate | Role::Leader),
            term,
        } => {
            let was = role_name(lang, *was);
            tr!(
                lang,
                "{n} saw the newer term {term}: it stepped down from {was} to follower ({s}).",
                "{n} 看到更新的任期 {term}：从 {was} 退回 follower（{s}）。"
            )
        }
        Rule::GrantVote { candidate, term } => tr!(
            lang,
            "{n} granted its vote to {candidate} for term {term} ({s}).",
            "{n} 在任期 {term} 把票投给 {candidate}（{s}）。"
        ),
        Rule::DenyVote {
            candidate,
            term,
            reason,
        } => match reason {
            DenyReason::StaleTerm => tr!(
                lang,
                "{n} refused {candidate}: term {term} is older than its own ({s}).",
                "{n} 拒绝 {candidate}：任期 {term} 比自己的旧（{s}）。"
            ),
            DenyReason::AlreadyVoted(other) => tr!(
                lang,
                "{n} refused {candidate}: it already voted for {other} in term {term}, and a \
                 server votes once per term ({s}).",
                "{n} 拒绝 {candidate}：任期 {term} 已经投给了 {other}，每个任期只能投一票（{s}）。"
            ),
            DenyReason::LogBehind | DenyReason::LeaderAlive => {
                let why = deny_reason(lang, *reason, *term);
                tr!(
                    lang,
                    "{n} refused {candidate}: {why} ({s}).",
                    "{n} 拒绝 {candidate}：{why}（{s}）。"
                )
            }
        },
        Rule::CountVote {
            from,
            granted: true,
            votes,
            needed,
        } => tr!(
            lang,
            "{n} counted {from}'s vote: {votes} of the {needed} it needs ({s}).",
            "{n} 收到 {from} 的选票：已有 {votes} 票，需要 {needed} 票（{s}）。"
        ),
        Rule::CountVote {
            from,
            granted: false,
            votes,
            needed,
        } => tr!(
            lang,
            "{from} said no; {n} still has {votes} of the {needed} votes it needs ({s}).",
            "{from} 拒绝了；{n} 仍是 {votes} 票，需要 {needed} 票（{s}）。"
        ),
        Rule::BecomeLeader { term, votes } => tr!(
            lang,
            "{n} has {votes} votes, a majority: it is leader for term {term} ({s}).",
            "{n} 获得 {votes} 票，超过半数：成为任期 {term} 的 leader（{s}）。"
        ),
        Rule::SendHeartbeats { term } => tr!(
            lang,
            "{n}, leader of term {term}, sent heartbeats so that no follower starts an election \
             ({s}).",
            "{n}（任期 {term} 的 leader）发送心跳，防止 follower 发起选举（{s}）。"
        ),
        Rule::FollowLeader {
            leader,
            term,
            was: Role::Candidate,
        } => tr!(
            lang,
            "{n} heard from {leader}, leader of term {term}: it gave up its own candidacy and \
             follows {leader} ({s}).",
            "{n} 收到任期 {term} 的 leader {leader} 的消息：放弃竞选，成为 follower（{s}）。"
        ),
        Rule::FollowLeader {
            leader,
            term,
            was: Role::Follower | Role::Leader,
        } => tr!(
            lang,
            "{n} follows {leader}, leader of term {term}, and resets its election timer ({s}).",
            "{n} 跟随任期 {term} 的 leader {leader}，并重置 election timeout（{s}）。"
        ),
        Rule::RejectStaleLeader { leader, term } => tr!(
            lang,
            "{n} rejected {leader}'s AppendEntries: term {term} is stale ({s}).",
            "{n} 拒绝 {leader} 的 AppendEntries：任期 {term} 已过时（{s}）。"
        ),
        Rule::IgnoreStale { from, term } => tr!(
            lang,
            "{n} ignored an outdated reply from {from} (term {term}) ({s}).",
            "{n} 忽略了来自 {from} 的过时回复（任期 {term}）（{s}）。"
        ),
        Rule::Restart { term } => tr!(
            lang,
            "{n} restarted as a follower. Its term ({term}), vote and log were on disk and \
             survive; everything else starts afresh, so it rebuilds its state machine as it \
             learns what is committed (Figure 2).",
            "{n} 重启为 follower。任期（{term}）、投票和日志保存在磁盘上得以保留，其余状态从头开始，\
             状态机要在得知哪些条目已提交后重新应用重建（图 2）。"
        ),

        // The log: appending, matching, committing, applying (§5.3, §5.4, §8).
        Rule::RejectLogMismatch {
            prev_log_index,
            prev_log_term,
        } => tr!(
            lang,
            "{n} rejected AppendEntries: its log has no entry at index {prev_log_index} with term \
             {prev_log_term} ({s}).",
            "{n} 拒绝 AppendEntries：日志中没有索引 {prev_log_index}、任期 {prev_log_term} 的条目（{s}）。"
        ),
        Rule::AppendNoop { index, term } => tr!(
            lang,
            "{n}, new leader of term {term}, appended a no-op entry at index {index}: once it is \
             committed, so is every entry before it ({s}).",
            "{n} 作为任期 {term} 的新 leader，在索引 {index} 追加了一个空操作（no-op）条目：它一旦提交，\
             之前的所有条目也随之提交（{s}）。"
        ),
        Rule::AppendCommand {
            client,
            seq,
            op,
            index,
            term,
        } => tr!(
            lang,
            "{n}, the leader, appended client {client}'s request #{seq} `{op}` to its log at index \
             {index}, term {term} ({s}).",
            "leader {n} 把客户端 {client} 的第 {seq} 号请求 `{op}` 追加到日志的索引 {index}（任期 {term}）（{s}）。"
        ),
        Rule::SendEntries { to, first, last } => {
            let entries = range_text(lang, *first, *last);
            tr!(
                lang,
                "{n} sent {entries} to {to} in one AppendEntries ({s}).",
                "{n} 用一条 AppendEntries 把{entries}发给 {to}（{s}）。"
            )
        }
        Rule::AppendLog {
            leader,
            first,
            last,
        } => {
            let entries = range_text(lang, *first, *last);
            tr!(
                lang,
                "{n} appended {entries} from {leader} to its log ({s}).",
                "{n} 把来自 {leader} 的{entries}追加到自己的日志（{s}）。"
            )
        }
        Rule::TruncateLog {
            index,
            old_term,
            new_term,
            removed,
        } => tr!(
            lang,
            "{n}'s entry at index {index} (term {old_term}) conflicts with the leader's (term \
             {new_term}): it deleted it and all that follow, {removed} in all, and took the \
             leader's ({s}).",
            "{n} 在索引 {index} 的条目（任期 {old_term}）与 leader 的（任期 {new_term}）冲突：\
             删除该条目及其后所有条目，共 {removed} 条，改用 leader 的（{s}）。"
        ),
        Rule::OverwriteKeepSuffix {
            index,
            old_term,
            new_term,
            kept,
        } => tr!(
            lang,
            "Broken on purpose: {n} overwrote its entry at index {index} (term {old_term} → \
             {new_term}) but kept the {kept} entries after it, which never followed the new entry \
             on any leader; {s} says to delete them.",
            "故意破坏：{n} 覆盖了索引 {index} 的条目（任期 {old_term} → {new_term}），却保留了其后的 \
             {kept} 个条目，而这些条目在任何 leader 的日志里都不在新条目之后；{s} 要求删除它们。"
        ),
        Rule::AckEntries {
            follower,
            match_index,
            next_index,
        } => tr!(
            lang,
            "{n} learned that {follower}'s log matches its own up to index {match_index} \
             (matchIndex); it will send from index {next_index} next (nextIndex) ({s}).",
            "{n} 得知 {follower} 的日志与自己的一致到索引 {match_index}（matchIndex）；\
             下次从索引 {next_index} 开始发送（nextIndex）（{s}）。"
        ),
        Rule::BackUp {
            follower,
            next_index,
            hint: false,
        } => tr!(
            lang,
            "{follower}'s log did not match, so {n} backs up its nextIndex for {follower} to \
             {next_index} and tries again ({s}).",
            "{follower} 的日志对不上，{n} 把 {follower} 的 nextIndex 回退到 {next_index} 再试（{s}）。"
        ),
        Rule::BackUp {
            follower,
            next_index,
            hint: true,
        } => tr!(
            lang,
            "{follower}'s log did not match; from the conflicting term and index {follower} \
             reported, {n} skips back to nextIndex {next_index} and tries again ({s}).",
            "{follower} 的日志对不上；根据 {follower} 报告的冲突任期和索引，{n} 直接跳回 nextIndex \
             {next_index} 再试（{s}）。"
        ),
        Rule::StartReplicate {
            follower,
            match_index,
        } => tr!(
            lang,
            "{n} found where {follower}'s log matches its own (up to index {match_index}): it \
             stops probing and sends {follower} new entries as they come ({s}).",
            "{n} 找到了与 {follower} 日志一致的位置（到索引 {match_index}）：停止探测，\
             之后有新条目就立即发给 {follower}（{s}）。"
        ),
        Rule::StartProbe {
            follower,
            next_index,
        } => tr!(
            lang,
            "{follower} refused entries, so {n} probes it again: one AppendEntries at a time, from \
             index {next_index} ({s}).",
            "{follower} 拒绝了条目，{n} 重新探测它：从索引 {next_index} 起，每次只发一条 AppendEntries（{s}）。"
        ),
        Rule::AdvanceCommit {
            index,
            entry_term,
            term,
            replicas,
        } if entry_term < term => tr!(
            lang,
            "Broken on purpose: {n} committed up to index {index} because {replicas} servers \
             store it, though that entry is from term {entry_term}, not its current term {term}. \
             {s} forbids counting replicas for entries of earlier terms (Figure 8).",
            "故意破坏：{n} 因为有 {replicas} 台服务器存有索引 {index} 就提交了它，但该条目来自任期 \
             {entry_term}，不是当前任期 {term}。{s} 禁止靠计数副本提交以前任期的条目（图 8）。"
        ),
        Rule::AdvanceCommit {
            index,
            term,
            replicas,
            ..
        } => tr!(
            lang,
            "{replicas} servers, a majority, store the entry at index {index} of the current term \
             {term}: {n} commits it and every entry before it ({s}).",
            "{replicas} 台服务器（过半数）存有当前任期 {term} 在索引 {index} 的条目：\
             {n} 提交它及之前的所有条目（{s}）。"
        ),
        Rule::WaitForCurrentTerm {
            index,
            entry_term,
            term,
        } => tr!(
            lang,
            "A majority stores index {index}, but that entry is from term {entry_term}, not {n}'s \
             current term {term}: it is not committed by counting replicas, only once an entry of \
             term {term} after it is ({s}, Figure 8).",
            "过半数服务器存有索引 {index}，但该条目来自任期 {entry_term}，不是 {n} 的当前任期 {term}：\
             不能靠计数副本提交，要等其后一个任期 {term} 的条目提交时才一并提交（{s}，图 8）。"
        ),
        Rule::LearnCommit { commit_index } => tr!(
            lang,
            "{n} learned from the leader that the entries up to index {commit_index} are \
             committed ({s}).",
            "{n} 从 leader 得知索引 {commit_index} 及之前的条目都已提交（{s}）。"
        ),
        Rule::ApplyEntries { first, last } => {
            let entries = range_text(lang, *first, *last);
            tr!(
                lang,
                "{n} applied {entries} to its state machine, in log order ({s}).",
                "{n} 按日志顺序把{entries}应用到状态机（{s}）。"
            )
        }

        // Clients (§8, thesis §6.2–§6.3).
        Rule::SkipDuplicate { index, client, seq } => tr!(
            lang,
            "Entry {index} is client {client}'s request #{seq}, which the client's session shows \
             applied already (or overtaken by a later one): {n} does not run it again ({s}).",
            "条目 {index} 是客户端 {client} 的第 {seq} 号请求，会话记录显示它已应用（或已被更新的请求取代）：\
             {n} 不再执行它（{s}）。"
        ),
        Rule::ReplyClient {
            client,
            seq,
            index,
            value,
            requested_at,
            cached: false,
        } => {
            let (value, after) = (
                value_text(lang, *value),
                ms(now.saturating_sub(*requested_at)),
            );
            tr!(
                lang,
                "{n} answered client {client}'s request #{seq}: applied at index {index}, result \
                 {value}, {after} ms after the request ({s}).",
                "{n} 回复客户端 {client} 的第 {seq} 号请求：已在索引 {index} 应用，结果 {value}，\
                 距请求 {after} 毫秒（{s}）。"
            )
        }
        Rule::ReplyClient {
            client,
            seq,
            index,
            value,
            cached: true,
            ..
        } => {
            let value = value_text(lang, *value);
            tr!(
                lang,
                "Client {client} retried request #{seq}, which was applied at index {index} \
                 already: {n} answered from the client's session (result {value}) without \
                 applying it again ({s}).",
                "客户端 {client} 重试第 {seq} 号请求，它已在索引 {index} 应用过：{n} 直接用客户端会话里的\
                 结果（{value}）回复，不再重复应用（{s}）。"
            )
        }
        Rule::ForwardRequest {
            client,
            seq,
            leader,
        } => tr!(
            lang,
            "{n} is not the leader: it passed client {client}'s request #{seq} on to {leader}, the \
             leader it knows ({s}).",
            "{n} 不是 leader：把客户端 {client} 的第 {seq} 号请求转发给它所知的 leader {leader}（{s}）。"
        ),
        Rule::NotLeader {
            client,
            seq,
            hint: Some(hint),
        } => tr!(
            lang,
            "{n} is not the leader and knows none: it turned client {client}'s request #{seq} \
             away, suggesting {hint}, whom it voted for ({s}).",
            "{n} 不是 leader，也不知道谁是：拒绝了客户端 {client} 的第 {seq} 号请求，建议去找它投过票的 \
             {hint}（{s}）。"
        ),
        Rule::NotLeader {
            client,
            seq,
            hint: None,
        } => tr!(
            lang,
            "{n} is not the leader and knows none: it turned client {client}'s request #{seq} \
             away; the client must try another server ({s}).",
            "{n} 不是 leader，也不知道谁是：拒绝了客户端 {client} 的第 {seq} 号请求，\
             客户端只能换一台服务器再试（{s}）。"
        ),
        Rule::RequestInLog { client, seq, index } => tr!(
            lang,
            "Client {client}'s request #{seq} is already in {n}'s log at index {index}: {n} waits \
             for that entry instead of appending the request again ({s}).",
            "客户端 {client} 的第 {seq} 号请求已在 {n} 日志的索引 {index}：{n} 等这个条目应用，\
             不再重复追加（{s}）。"
        ),
        Rule::IgnoreOldRequest {
            client,
            seq,
            last_seq,
        } => tr!(
            lang,
            "Client {client} has had request #{last_seq} applied since; #{seq} is older, and {n} \
             ignores it ({s}).",
            "客户端 {client} 的第 {last_seq} 号请求已经应用；第 {seq} 号更早，{n} 忽略它（{s}）。"
        ),

        // Snapshots (§7, Figure 13).
        Rule::TakeSnapshot {
            index,
            term,
            compacted,
            size,
        } => tr!(
            lang,
            "{n} wrote its state machine, client sessions included, to a snapshot up to index \
             {index} (term {term}, about {size} bytes) and dropped the {compacted} log entries it \
             replaces ({s}).",
            "{n} 把状态机（连同客户端会话）写成快照，覆盖到索引 {index}（任期 {term}，约 {size} 字节），\
             并删除了被快照取代的 {compacted} 条日志条目（{s}）。"
        ),
        Rule::RestoreSnapshot { index, term } => tr!(
            lang,
            "{n} loaded its snapshot (up to index {index}, term {term}) into its state machine; \
             committed entries after it will be applied again ({s}).",
            "{n} 从快照（到索引 {index}，任期 {term}）恢复状态机；其后的已提交条目会重新应用（{s}）。"
        ),
        Rule::SendSnapshot {
            to,
            index,
            term,
            size,
        } => tr!(
            lang,
            "{to} needs entries {n} has compacted: {n} sends it its snapshot instead, up to index \
             {index} (term {term}, about {size} bytes), in one InstallSnapshot ({s}).",
            "{to} 需要的条目已被 {n} 压缩：{n} 改为用一条 InstallSnapshot 发送快照，到索引 {index}\
             （任期 {term}，约 {size} 字节）（{s}）。"
        ),
        Rule::InstallSnapshot {
            leader,
            index,
            term,
            kept: 0,
        } => tr!(
            lang,
            "{n} installed {leader}'s snapshot up to index {index} (term {term}): its state \
             machine is now the snapshot's, and its log, which had no matching entry there, was \
             discarded ({s}).",
            "{n} 安装了 {leader} 的快照，到索引 {index}（任期 {term}）：状态机换成快照的内容；\
             它的日志在该处没有匹配的条目，于是整个丢弃（{s}）。"
        ),
        Rule::InstallSnapshot {
            leader,
            index,
            term,
            kept,
        } => tr!(
            lang,
            "{n} installed {leader}'s snapshot up to index {index} (term {term}): its state \
             machine is now the snapshot's; its log already had that entry, so it keeps the \
             {kept} entries after it ({s}).",
            "{n} 安装了 {leader} 的快照，到索引 {index}（任期 {term}）：状态机换成快照的内容；\
             它的日志已有该条目，于是保留其后的 {kept} 条条目（{s}）。"
        ),
        Rule::IgnoreSnapshot {
            index,
            commit_index,
        } => tr!(
            lang,
            "{n} has committed up to index {commit_index}, at or past the snapshot's {index}: it \
             keeps its state and only acknowledges ({s}).",
            "{n} 已提交到索引 {commit_index}，不早于快照的 {index}：保持自身状态，只回复确认（{s}）。"
        ),

        // Membership (thesis chapter 4).
        Rule::UseConfiguration { index: 0, config } => tr!(
            lang,
            "The configuration entry {n} used was removed with its log's conflicting suffix: {n} \
             falls back to the initial configuration, {config} ({s}).",
            "{n} 所用的配置条目随冲突的日志后缀一起被删除：{n} 退回初始配置 {config}（{s}）。"
        ),
        Rule::UseConfiguration { index, config } => tr!(
            lang,
            "{n} now uses the configuration at index {index}, {config}, committed or not: a server \
             always uses the latest configuration in its log ({s}).",
            "{n} 改用索引 {index} 处的配置 {config}，不论是否已提交：节点总是使用自己日志中最新的配置（{s}）。"
        ),
        Rule::AppendConfiguration {
            index,
            term,
            config,
        } => tr!(
            lang,
            "Leader {n} appended the new configuration {config} at index {index} (term {term}) and \
             uses it at once; majorities now come from its voters ({s}).",
            "Leader {n} 在索引 {index}（任期 {term}）追加了新配置 {config}，并立即使用；\
             之后的多数派按其中的 voter 计算（{s}）。"
        ),
        Rule::RefuseChange {
            client,
            seq,
            change,
            reason,
        } => {
            let (change, refusal) = (change_text(lang, *change), refusal_text(lang, *reason));
            tr!(
                lang,
                "{n} answered client {client}'s request #{seq} ({change}): {refusal}.",
                "{n} 回复客户端 {client} 的第 {seq} 号请求（{change}）：{refusal}。"
            )
        }
        Rule::ChangeCommitted {
            client, seq, index, ..
        } => tr!(
            lang,
            "The configuration at index {index} is committed: {n} tells client {client} its \
             change #{seq} is done, and may take the next one ({s}).",
            "索引 {index} 处的配置已提交：{n} 告诉客户端 {client} 第 {seq} 号变更已完成，\
             之后可以接受下一次变更（{s}）。"
        ),
        Rule::StepDownRemoved { term, index } => tr!(
            lang,
            "The configuration at index {index}, without {n}, is committed: {n} steps down as \
             leader of term {term}; it counted itself in no majority since appending it ({s}).",
            "不包含 {n} 的配置（索引 {index}）已提交：{n} 卸任任期 {term} 的 leader；\
             追加它之后 {n} 就不再把自己算入多数派（{s}）。"
        ),
        Rule::CaughtUp { server, round } => tr!(
            lang,
            "Learner {server} finished round {round} of replication within an election timeout: \
             it has caught up, and {n} promotes it to voter ({s}).",
            "learner {server} 在一个 election timeout 内完成了第 {round} 轮复制，已追上日志：\
             {n} 把它提升为 voter（{s}）。"
        ),
        Rule::CatchUpRound {
            server,
            round,
            until,
        } => tr!(
            lang,
            "Learner {server}'s last round took an election timeout or more: {n} starts round \
             {round}, up to index {until} ({s}).",
            "learner {server} 上一轮用时不少于一个 election timeout：{n} 开始第 {round} 轮，\
             复制到索引 {until}（{s}）。"
        ),
        Rule::NotVoter { .. } => tr!(
            lang,
            "{n} is not a voter in its configuration (or knows its removal is committed): it \
             starts no election ({s}).",
            "{n} 不是其配置中的 voter（或已知自己被移除的配置已提交）：它不发起选举（{s}）。"
        ),

        // Reads without the log (thesis §6.4).
        Rule::ReadWaitForTerm { client, seq } => tr!(
            lang,
            "{n} took client {client}'s read #{seq}, but no entry of its own term is committed \
             yet, so it cannot know the latest commit index: the read waits ({s}, step 1).",
            "{n} 收到客户端 {client} 的第 {seq} 号读请求，但自己任期的条目还没有提交，\
             无法确定最新的提交索引：读请求先等待（{s}，第 1 步）。"
        ),
        Rule::ReadIndex {
            client,
            seq,
            read_index,
            round,
        } => tr!(
            lang,
            "{n} records its commit index {read_index} as the read index of client {client}'s \
             read #{seq} and checks it still leads: heartbeat round {round} must be acknowledged \
             by a majority ({s}, steps 1–2).",
            "{n} 把提交索引 {read_index} 记为客户端 {client} 第 {seq} 号读的 read index，\
             并确认自己仍是 leader：第 {round} 轮心跳须得到多数派回应（{s}，第 1–2 步）。"
        ),
        Rule::ReadLease {
            client,
            seq,
            read_index,
            left,
        } => {
            let left = ms(*left);
            tr!(
                lang,
                "{n}'s lease holds for {left} ms more: it answers client {client}'s read #{seq} at \
                 read index {read_index} without a heartbeat round ({s}).",
                "{n} 的租约还剩 {left} 毫秒：不发心跳，直接在 read index {read_index} 回答客户端 \
                 {client} 的第 {seq} 号读（{s}）。"
            )
        }
        Rule::ReplyRead {
            client,
            seq,
            key,
            value,
            read_index,
            requested_at,
        } => {
            let (value, after) = (
                value_text(lang, *value),
                ms(now.saturating_sub(*requested_at)),
            );
            tr!(
                lang,
                "A majority confirmed {n}'s leadership and index {read_index} is applied: it \
                 answered client {client}'s read #{seq} of `{key}` with {value}, {after} ms after \
                 the request, without a log entry ({s}, steps 3–4).",
                "多数派确认了 {n} 的领导地位，索引 {read_index} 已应用：它回答客户端 {client} 第 {seq} 号\
                 对 `{key}` 的读，结果 {value}，距请求 {after} 毫秒，没有写日志（{s}，第 3–4 步）。"
            )
        }
        Rule::StaleRead {
            client,
            seq,
            key,
            value,
            applied,
        } => {
            let value = value_text(lang, *value);
            tr!(
                lang,
                "{n} answered client {client}'s read #{seq} of `{key}` with {value} from its own \
                 state machine (applied up to index {applied}), asking nobody: a newer value may \
                 exist elsewhere, so this read is not linearizable ({s}).",
                "{n} 不问任何人，直接用自己的状态机（已应用到索引 {applied}）回答客户端 {client} \
                 第 {seq} 号对 `{key}` 的读，结果 {value}：别处可能已有更新的值，这次读不满足线性一致性（{s}）。"
            )
        }

        // PreVote (thesis §9.6) and CheckQuorum (§6.2, §4.2.3).
        Rule::StartPreVote { term, forced } => {
            let why = timed_out(lang, *forced);
            tr!(
                lang,
                "{n} {why} and asks the others whether they would vote for it in term {term}, \
                 without raising its own term ({s}).",
                "{n} {why}，先询问其他节点是否愿意在任期 {term} 投票给它，自己的任期保持不变（{s}）。"
            )
        }
        Rule::GrantPreVote { candidate, term } => tr!(
            lang,
            "{n} would vote for {candidate} in term {term}: it grants a pre-vote, changing nothing \
             on its side ({s}).",
            "{n} 愿意在任期 {term} 投票给 {candidate}：同意预投票，自身状态不变（{s}）。"
        ),
        Rule::DenyPreVote {
            candidate,
            term,
            reason,
        } => {
            let why = deny_reason(lang, *reason, *term);
            tr!(
                lang,
                "{n} refused {candidate} a pre-vote for term {term}: {why} ({s}).",
                "{n} 拒绝了 {candidate} 任期 {term} 的预投票：{why}（{s}）。"
            )
        }
        Rule::CountPreVote {
            from,
            granted,
            votes,
            needed,
        } => {
            let answer = match granted {
                true => say(lang, "yes", "同意"),
                false => say(lang, "no", "拒绝"),
            };
            tr!(
                lang,
                "{n} counted {from}'s pre-vote ({answer}): {votes} of the {needed} it needs before \
                 a real election ({s}).",
                "{n} 收到 {from} 的预投票（{answer}）：已有 {votes} 票，正式选举前需要 {needed} 票（{s}）。"
            )
        }
        Rule::IgnoreVoteRequest { candidate, term } => tr!(
            lang,
            "{n} heard from a leader within the minimum election timeout: it ignores \
             {candidate}'s RequestVote for term {term}, neither adopting the term nor voting ({s}).",
            "{n} 在最小 election timeout 内收到过 leader 的消息：忽略 {candidate} 任期 {term} 的 \
             RequestVote，既不更新任期也不投票（{s}）。"
        ),
        Rule::StepDown {
            term,
            heard,
            needed,
        } => tr!(
            lang,
            "{n}, leader of term {term}, heard from only {heard} of the {needed} servers it needs \
             within an election timeout: it steps down to follower ({s}).",
            "{n}（任期 {term} 的 leader）在一个 election timeout 内只收到 {heard} 台服务器的回应，\
             需要 {needed} 台：主动退回 follower（{s}）。"
        ),

        // Leadership transfer (thesis §3.10).
        Rule::StartTransfer {
            to,
            match_index,
            last,
        } => tr!(
            lang,
            "{n} hands leadership to {to}: it stops taking new requests and brings {to}'s log \
             (matching up to {match_index}) up to its own last index {last} ({s}).",
            "{n} 把领导权转移给 {to}：停止接收新请求，并把 {to} 的日志（已一致到 {match_index}）\
             补齐到自己的最后索引 {last}（{s}）。"
        ),
        Rule::SendTimeoutNow { to } => tr!(
            lang,
            "{to}'s log matches {n}'s: {n} sends TimeoutNow, telling {to} to start an election now \
             ({s}).",
            "{to} 的日志已与 {n} 一致：{n} 发送 TimeoutNow，让 {to} 立即发起选举（{s}）。"
        ),
        Rule::TransferElection { from, term } => tr!(
            lang,
            "{n} got TimeoutNow from {from}, leader of term {term}: it starts an election at once, \
             without waiting for its timeout ({s}).",
            "{n} 收到任期 {term} 的 leader {from} 发来的 TimeoutNow：不等超时，立即发起选举（{s}）。"
        ),
        Rule::AbortTransfer { to } => tr!(
            lang,
            "{to} did not take over within an election timeout: {n} gives up the transfer and \
             takes requests again ({s}).",
            "{to} 没有在一个 election timeout 内接任：{n} 放弃转移，重新接收请求（{s}）。"
        ),
        Rule::RefuseDuringTransfer { client, seq, to } => tr!(
            lang,
            "{n} is handing leadership to {to}: it turns client {client}'s request #{seq} away, \
             pointing to {to} ({s}).",
            "{n} 正在把领导权转移给 {to}：拒绝客户端 {client} 的第 {seq} 号请求，让它去找 {to}（{s}）。"
        ),
        Rule::CannotTransfer { to } => tr!(
            lang,
            "{n} cannot hand leadership to {to}: only a leader can, and only to another server \
             ({s}).",
            "{n} 无法把领导权转移给 {to}：只有 leader 可以转移，而且只能转给其他节点（{s}）。"
        ),
    }
}

/// Why an election or a pre-vote starts: the timeout ran out, or a reader made it.
fn timed_out(lang: Lang, forced: bool) -> &'static str {
    match forced {
        true => say(lang, "was made to time out", "被手动触发超时"),
        false => say(
            lang,
            "heard from no leader before its election timeout",
            "在 election timeout 内没有收到 leader 的消息",
        ),
    }
}

/// Why a vote or pre-vote was refused, as a clause.
fn deny_reason(lang: Lang, reason: DenyReason, term: u64) -> String {
    match reason {
        DenyReason::StaleTerm => tr!(
            lang,
            "term {term} is not newer than its own",
            "任期 {term} 不比自己的新"
        ),
        DenyReason::AlreadyVoted(other) => {
            tr!(lang, "it already voted for {other}", "它已经投给了 {other}")
        }
        DenyReason::LogBehind => say(
            lang,
            "the candidate's log is less up-to-date than its own",
            "对方的日志不如自己的新",
        )
        .to_owned(),
        DenyReason::LeaderAlive => say(
            lang,
            "it heard from a leader within the minimum election timeout",
            "它在最小 election timeout 内收到过 leader 的消息",
        )
        .to_owned(),
    }
}

fn role_name(lang: Lang, role: Role) -> &'static str {
    let t = lang.text();
    match role {
        Role::Follower => t.follower,
        Role::Candidate => t.candidate,
        Role::Leader => t.leader,
    }
}

/// A client's answer: the value, or that there is none.
fn value_text(lang: Lang, value: Option<i64>) -> String {
    match value {
        Some(v) => v.to_string(),
        None => say(lang, "none", "空").to_owned(),
    }
}

/// Entries `first..=last` in words: `entry 5` or `entries 5–7`.
fn range_text(lang: Lang, first: u64, last: u64) -> String {
    match first == last {
        true => tr!(lang, "entry {first}", "条目 {first}"),
        false => tr!(lang, "entries {first}–{last}", "条目 {first}–{last}"),
    }
}

/// What a server keeps on disk, as a clause: `term 3, vote S2, log to index 7`.
fn stored(lang: Lang, state: &Stored) -> String {
    let (term, index) = (state.term, state.last_log_index);
    match state.voted_for {
        Some(v) => tr!(
            lang,
            "term {term}, vote {v}, log to index {index}",
            "任期 {term}、投票 {v}、到索引 {index} 的日志"
        ),
        None => tr!(
            lang,
            "term {term}, no vote, log to index {index}",
            "任期 {term}、未投票、到索引 {index} 的日志"
        ),
    }
}
