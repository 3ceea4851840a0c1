//! The Lab crate's words in Chinese: its table titles, column labels, verdicts and notes, which it
//! writes in English only (the command line's language). One table of sentences: an English
//! template as the crate writes it, `{}` where it puts a value, and the Chinese with `{0}`,
//! `{1}` … for those values, in whatever order Chinese needs them. A sentence not in the table
//! is shown as it is; a test runs every experiment and checks that none is missing.
//!
//! The values of parameters that name a row (`random`, `plain`, `counter` …) are words of the
//! table too: a Chinese page shows them in Chinese, while the address, the inputs, the command
//! and the downloads keep the spelling the command line reads. Gossip's `push`, `pull` and
//! `push-pull` stay as they are, as in the notes our readers learned from (and the Gossip view).

use crate::i18n::Lang;

/// `(English template, Chinese template)`. More specific templates come first: the first whose
/// literal parts match wins.
const SENTENCES: &[(&str, &str)] = &[
    // Values that name a row, as the address spells them.
    ("random", "随机"),
    ("fixed", "固定"),
    ("plain", "都不开"),
    ("prevote", "PreVote"),
    ("checkquorum", "CheckQuorum"),
    ("both", "都开"),
    ("partitioned", "被隔离"),
    ("removed", "被移出配置"),
    ("counter", "计数器"),
    ("coin", "抛硬币"),
    ("feedback", "反馈"),
    ("blind", "盲目"),
    // raft-figure16: tables and columns.
    (
        "Time without a leader after the crash, per election timeout range",
        "崩溃后没有 leader 的时间（按选举超时范围）",
    ),
    (
        "Fraction of trials with a new leader known to all, by time after the crash (log time axis)",
        "崩溃后经过某段时间、其余服务器都已跟随新 leader 的试验比例（对数时间轴）",
    ),
    ("timeouts (ms)", "选举超时（毫秒）"),
    ("trials", "试验次数"),
    (
        "no settled leader before the crash",
        "崩溃前未稳定出 leader",
    ),
    ("no leader in cap", "上限内无 leader"),
    ("median (ms)", "中位数（毫秒）"),
    ("p99 (ms)", "p99（毫秒）"),
    ("max (ms)", "最大值（毫秒）"),
    ("mean (ms)", "均值（毫秒）"),
    ("elected, median (ms)", "选出新 leader，中位数（毫秒）"),
    (
        "elections without a leader, per trial",
        "每次试验中没有选出 leader 的选举数",
    ),
    ("paper median (ms)", "论文中位数（毫秒）"),
    ("paper p99 (ms)", "论文 p99（毫秒）"),
    ("paper max (ms)", "论文最大值（毫秒）"),
    ("paper mean (ms)", "论文均值（毫秒）"),
    ("against the paper", "与论文对照"),
    ("time (ms)", "时间（毫秒）"),
    ("fraction", "比例"),
    // raft-figure16: verdicts.
    (
        "reproduces: {} of {} trials without a leader within 10 s (cap under 10 s)",
        "复现：{1} 次试验中有 {0} 次在 10 秒内没有选出 leader（上限不足 10 秒）",
    ),
    (
        "reproduces: {} of {} trials without a leader within 10 s",
        "复现：{1} 次试验中有 {0} 次在 10 秒内没有选出 leader",
    ),
    (
        "differs: {} of {} trials without a leader within 10 s (cap under 10 s)",
        "不符：{1} 次试验中有 {0} 次在 10 秒内没有选出 leader（上限不足 10 秒）",
    ),
    (
        "differs: {} of {} trials without a leader within 10 s",
        "不符：{1} 次试验中有 {0} 次在 10 秒内没有选出 leader",
    ),
    (
        "differs: no trial elected a leader (paper median {} ms)",
        "不符：没有一次试验选出 leader（论文中位数 {0} 毫秒）",
    ),
    (
        "differs: no trial elected a leader (paper mean {} ms)",
        "不符：没有一次试验选出 leader（论文均值 {0} 毫秒）",
    ),
    ("reproduces: median {} %", "复现：中位数 {0} %"),
    ("reproduces: mean {} %", "复现：均值 {0} %"),
    (
        "differs (timeouts spread less than the latency; see notes): median {} %",
        "不符（超时的随机范围小于网络延迟，见说明）：中位数 {0} %",
    ),
    (
        "differs (timeouts spread less than the latency; see notes): mean {} %",
        "不符（超时的随机范围小于网络延迟，见说明）：均值 {0} %",
    ),
    ("differs: median {} %", "不符：中位数 {0} %"),
    ("differs: mean {} %", "不符：均值 {0} %"),
    ("no paper figure", "论文没有这一项"),
    (
        "not measured: the servers never settled on a leader (timeouts too short for the latency)",
        "未测量：崩溃前服务器始终没有稳定地跟随同一个 leader（超时相对网络延迟太短）",
    ),
    // raft-figure16: notes.
    (
        "Setup: {} servers; heartbeats every half minimum election timeout; the leader crashes at a uniformly random point of the heartbeat interval after a heartbeat round; one-way latency {} ms, no message loss; the time runs until every other server has received the new leader's first AppendEntries (the 'elected' column stops at the election itself).",
        "设置：{0} 台服务器；心跳间隔为最小选举超时的一半；leader 在一轮心跳之后、心跳间隔内均匀随机的时刻崩溃；单程网络延迟 {1} 毫秒，不丢包；计时直到其余每台服务器都收到新 leader 的第一条 AppendEntries（“选出新 leader”一列只计到选举本身）。",
    ),
    (
        "No disk delay: writes to stable storage take no time, so all of the delay is network latency. This is the setup that reproduces the paper's medians (with one-way latency 2-3 ms, the default), although its round trip is well under the paper's broadcast time of about 15 ms (a round trip plus a disk write). --persist adds a write before each answer.",
        "没有磁盘延迟：写入稳定存储不花时间，全部延迟都来自网络。这正是复现论文中位数的设置（单程延迟 2-3 毫秒，即默认值），尽管它的往返时间远小于论文所说约 15 毫秒的广播时间（一次往返加一次磁盘写入）。--persist 会在每次应答之前加上一次写入。",
    ),
    (
        "Disk delay {} ms per write: a candidate sends its RequestVotes once its new term and its own vote are written, a voter answers once its vote is written, and a new leader's first AppendEntries waits for its no-op entry, so an election takes about three writes longer; a candidate's request also reaches the others later, so where the timeouts spread less than that more votes split. The setup that reproduces the paper has no disk delay (--persist 0, the default).",
        "每次磁盘写入 {0} 毫秒：candidate 要等新任期和投给自己的一票写入之后才发出 RequestVote，投票者要等这一票写入之后才应答，新 leader 的第一条 AppendEntries 要等它的空操作条目写入，所以一次选举大约多花三次写入的时间；candidate 的请求也更晚到达其他服务器，所以在超时随机范围小于这段时间的地方，会有更多选票被瓜分。复现论文的设置没有磁盘延迟（--persist 0，默认值）。",
    ),
    (
        "As in the paper's benchmark, the followers' logs differ in length at the crash (with five servers: 0 to 3 of 3 entries written just before), so only the two survivors with the longest logs can win; elections that end without a leader count split votes and candidates whose logs are behind. `--logs equal` runs with equal logs: medians change little (the thesis, §9.3, finds the same), tails shrink.",
        "与论文的基准测试一样，崩溃时各 follower 的日志长度不同（五台服务器时：崩溃前刚写入 3 条条目，各 follower 分别持有其中 0 到 3 条），所以只有日志最长的两台幸存服务器能够当选；没有选出 leader 的选举既包括选票被瓜分，也包括日志落后的 candidate 发起的选举。`--logs equal` 让日志等长：中位数变化不大（博士论文 §9.3 的结论相同），长尾变短。",
    ),
    (
        "Equal logs: the paper's benchmark gave the servers different log lengths, so that two of the four survivors could not win (`--logs uneven`, the default).",
        "日志等长：论文的基准测试让各服务器的日志长度不同，使四台幸存服务器中有两台无法当选（`--logs uneven`，默认值）。",
    ),
    (
        "150-150 and 150-151 ms: with less randomness than the one-way latency, almost every election splits until the candidates' timers drift further apart than a RequestVote travels. Simulated timers fire exactly: at 150-150 they never drift, so no election succeeds; at 150-151 they drift only by the drawn timeouts, and the median comes out about twice the paper's. LogCabin's servers also drift through scheduling and disk jitter: its 150-150 trials elected after 10 s to 530 s (median about 41 s), its 150-151 median is 1.2 s.",
        "150-150 和 150-151 毫秒：随机范围小于单程延迟时，几乎每次选举都会瓜分选票，直到 candidate 的计时器错开得比一条 RequestVote 的传输时间还多。模拟中的计时器分毫不差地触发：150-150 时它们永远不会错开，所以没有一次选举成功；150-151 时只靠抽到的超时值错开，中位数约为论文的两倍。LogCabin 的服务器还会因调度和磁盘抖动而错开：它的 150-150 试验在 10 秒到 530 秒之后选出 leader（中位数约 41 秒），150-151 的中位数为 1.2 秒。",
    ),
    (
        "The paper's numbers: the text gives 287 ms (150-155 median), 513 ms (150-200 worst case), 35 ms and 152 ms (12-24 mean and worst case); the others are read off the plot's vector data (thesis §9.3), good to about 1 %. Trials per range in the paper: {}.",
        "论文的数字：正文给出 287 毫秒（150-155 的中位数）、513 毫秒（150-200 的最坏情况）、35 毫秒和 152 毫秒（12-24 的均值和最坏情况）；其余数字读自图的矢量数据（博士论文 §9.3），误差约 1 %。论文中每个范围的试验次数：{0}。",
    ),
    // raft-availability.
    (
        "Leader availability by message loss",
        "不同丢包率下的 leader 可用性",
    ),
    ("guards", "防护"),
    ("loss", "丢包率"),
    ("available (fraction)", "可用（时间比例）"),
    ("sd", "标准差"),
    ("worst trial", "最差的一次试验"),
    ("leaders elected per minute", "每分钟选出的 leader"),
    ("term rise per minute", "每分钟任期增长"),
    ("longest outage, mean (ms)", "最长中断，均值（毫秒）"),
    (
        "Setup: {} servers, election timeouts {} ms, heartbeats every {} ms, one-way latency {} ms; each message lost independently with the row's probability; the window of {} s starts after a warm-up of {} s (the first election, under the same loss).",
        "设置：{0} 台服务器，选举超时 {1} 毫秒，每 {2} 毫秒一次心跳，单程延迟 {3} 毫秒；每条消息按该行的概率独立丢失；{4} 秒的观测窗口在 {5} 秒的预热（在同样的丢包下完成第一次选举）之后开始。",
    ),
    (
        "Available: some leader is followed, in its own term, by a majority of the voters itself included (up, same term, took an AppendEntries of that term from it), so a write given to it commits once its messages arrive. Read after every step.",
        "可用：某个 leader 在它自己的任期内被多数投票成员（包括它自己）跟随（在线、任期相同、收到过它在该任期发出的 AppendEntries），因此交给它的写入在消息到达后就能提交。每一步之后检查一次。",
    ),
    (
        "The papers give no number to compare with; the thesis (§9.6) argues that PreVote stops a server that cannot win from raising terms, which lost heartbeats otherwise cause.",
        "论文没有可以比较的数字；博士论文（§9.6）论证了 PreVote 能阻止赢不了选举的服务器抬高任期——否则丢失的心跳就会引起这种情况。",
    ),
    // raft-rejoin.
    (
        "What a follower cut off (and perhaps removed) does when the network heals",
        "被隔离（也许还被移除）的 follower 在网络恢复后造成的影响",
    ),
    ("server", "服务器"),
    ("its term rise while cut off", "隔离期间它的任期增长"),
    (
        "trials with a new election after the heal",
        "恢复后发生新选举的试验比例",
    ),
    ("leaders elected after the heal", "恢复后选出的 leader"),
    (
        "the others' term rise after the heal",
        "恢复后其他服务器的任期增长",
    ),
    (
        "time without a leader after the heal (ms)",
        "恢复后没有 leader 的时间（毫秒）",
    ),
    (
        "Setup: {} servers, election timeouts {} ms, heartbeats every {} ms, one-way latency {} ms, no loss; after {} s one follower (chosen by the seed) is cut off alone for {} ms, then the network heals and the run goes on for {} ms. No client writes: a partitioned server misses nothing the cluster does. A removed one is removed by the leader just after the cut, and the change commits among the others while it is away.",
        "设置：{0} 台服务器，选举超时 {1} 毫秒，每 {2} 毫秒一次心跳，单程延迟 {3} 毫秒，不丢包；{4} 秒后，一个 follower（由种子选定）被单独隔离 {5} 毫秒，然后网络恢复，运行再继续 {6} 毫秒。没有客户端写入：被分区的服务器没有错过集群做的任何事。被移除的那台在隔离后立刻被 leader 移出配置，这次变更在它离开期间由其他服务器提交。",
    ),
    (
        "Partitioned (thesis §9.6): with PreVote the isolated server never raises its term, so it cannot depose the leader. CheckQuorum's rule for voters (§4.2.3) makes the others ignore its RequestVote, but not the leader's reaction to the higher term in its answers (§5.1); the thesis pairs the two.",
        "被分区（博士论文 §9.6）：开启 PreVote 时，被隔离的服务器从不抬高任期，所以无法赶下 leader。CheckQuorum 给投票者的规则（§4.2.3）让其他服务器忽略它的 RequestVote，却管不了 leader 看到它应答中更高任期时的反应（§5.1）；博士论文把两者搭配使用。",
    ),
    (
        "Removed (thesis §4.2.3): no leader after the first sends the removed server anything, so it times out again and again for as long as the run goes on. Without a guard each of its RequestVotes deposes the leader; with CheckQuorum the others (and the leader) ignore them while a leader is heard, so at most the first leader, which still replicates to it, adopts its higher term; with PreVote its term never rises.",
        "被移除（博士论文 §4.2.3）：第一个 leader 之后，再没有 leader 给被移除的服务器发送任何消息，所以在整个运行期间它一次又一次地超时。没有防护时，它的每条 RequestVote 都会赶下 leader；开启 CheckQuorum 时，只要还能听到 leader，其他服务器（以及 leader 本身）就会忽略这些请求，所以至多第一个 leader（它仍在向这台服务器复制日志）会采用它更高的任期；开启 PreVote 时，它的任期从不增长。",
    ),
    // gossip-spread.
    (
        "Rounds until every node holds the update",
        "直到每个节点都持有该更新的轮数",
    ),
    ("mode", "方式"),
    ("fan-out", "扇出"),
    ("n", "n"),
    ("converged", "已收敛"),
    ("rounds, mean", "轮数，均值"),
    ("min", "最小值"),
    ("max", "最大值"),
    ("time, mean (ms)", "时间，均值（毫秒）"),
    ("messages per node", "每节点消息数"),
    ("lockstep model, mean rounds", "同步轮次模型，平均轮数"),
    ("Pittel log2 n + ln n", "Pittel log2 n + ln n"),
    ("vs model (%)", "与模型之差（%）"),
    ("against the model", "与模型对照"),
    ("agrees (within 10 %)", "相符（10 % 以内）"),
    ("differs by {} %", "相差 {0} %"),
    ("not compared: jittered rounds", "未比较：轮次有抖动"),
    (
        "Rounds count from the write (round 0) to the first round at whose end every node holds the update; time runs from the write until the last node got it. Messages include every exchange of every round, also those that carried nothing new.",
        "轮数从写入（第 0 轮）数到第一个结束时每个节点都持有该更新的轮次；时间从写入算到最后一个节点收到为止。消息数包括每一轮的每次交换，也包括没有带来任何新内容的那些。",
    ),
    (
        "Model: the mean-field recurrences of the random phone-call model in lockstep rounds (each node contacts `fanout` distinct random peers per round), with the finishing round from a Poisson tail (core's gossip::theory); Pittel's log2 n + ln n leaves out its O(1). The model is a large-n approximation: from n = 30 on the means agree within 10 %; at n = 10 it is off by more than that (pull, fan-out 1: +12 % to +15 % in our runs).",
        "模型：同步轮次下随机电话呼叫模型的平均场递推（每个节点每轮联系 `fanout` 个互不相同的随机节点），最后一轮由泊松尾部估计（core 的 gossip::theory）；Pittel 的 log2 n + ln n 略去了其中的 O(1)。这个模型是大 n 近似：从 n = 30 起均值相差在 10 % 以内；n = 10 时偏差更大（pull、扇出 1：在我们的运行中为 +12 % 到 +15 %）。",
    ),
    (
        "Jittered rounds: a node informed early in a round answers digests later in the same round, so pull and push-pull finish ahead of the lockstep model (push is unaffected); the model column is the lockstep prediction.",
        "轮次有抖动：在一轮中较早得知更新的节点，会在同一轮稍后应答摘要，所以 pull 和 push-pull 比同步轮次模型更早完成（push 不受影响）；模型一列仍是同步轮次的预测。",
    ),
    // gossip-rumor.
    ("Residue and traffic of one rumor", "一条谣言的残留率与流量"),
    ("stop", "停止规则"),
    ("k", "k"),
    ("residue s", "残留率 s"),
    ("s, standard error", "s 的标准误"),
    ("traffic m (updates per node)", "流量 m（每节点更新数）"),
    ("last arrival (rounds)", "最后到达（轮）"),
    ("paper s", "论文 s"),
    ("paper m", "论文 m"),
    ("paper t_last", "论文 t_last"),
    ("equation s", "方程 s"),
    ("e^-m", "e^-m"),
    ("reproduces", "复现"),
    (
        "not compared: the paper ran 1,000 sites",
        "未比较：论文用的是 1,000 个节点",
    ),
    (
        "not compared: the paper's tables are for push",
        "未比较：论文的表格针对 push",
    ),
    (
        "not compared: feedback judged on arrival, not at the round's start as in the paper",
        "未比较：反馈在消息到达时判断，而不像论文那样在一轮开始时判断",
    ),
    (
        "differs ({} %): core's counter never resets on a necessary contact",
        "不符（{0} %）：core 的计数器在有效接触时不会清零",
    ),
    ("differs ({} %)", "不符（{0} %）"),
    (
        "Setup: {} nodes, {}, fan-out 1, lockstep rounds of 1 s, uniform peers; feedback judged against the receiver's state at the start of the round, as the paper's synchronous simulation does; one rumor written at time 0, run until no node spreads it. Traffic counts (key, value, version) entries sent per node, as the paper counts update messages; last arrival in rounds after the write.",
        "设置：{0} 个节点，{1}，扇出 1，每轮 1 秒的同步轮次，均匀选择对端；反馈按接收者在一轮开始时的状态判断，与论文的同步模拟一致；在时刻 0 写入一条谣言，一直运行到没有节点再传播它。流量统计每个节点发出的（键、值、版本）条目数，与论文统计更新消息的方式相同；最后到达以写入后的轮数计。",
    ),
    (
        "Setup: {} nodes, {}, fan-out 1, lockstep rounds of 1 s, uniform peers; feedback judged on arrival; one rumor written at time 0, run until no node spreads it. Traffic counts (key, value, version) entries sent per node, as the paper counts update messages; last arrival in rounds after the write.",
        "设置：{0} 个节点，{1}，扇出 1，每轮 1 秒的同步轮次，均匀选择对端；反馈在消息到达时判断；在时刻 0 写入一条谣言，一直运行到没有节点再传播它。流量统计每个节点发出的（键、值、版本）条目数，与论文统计更新消息的方式相同；最后到达以写入后的轮数计。",
    ),
    (
        "A paper row reproduces when our mean residue lies within three of our standard errors plus {} % of the paper's value (the paper does not say how many runs its tables average).",
        "当我们的平均残留率与论文的值相差不超过我们的三个标准误再加论文值的 {0} % 时，算作复现了论文的这一行（论文没有说明它的表格是多少次运行的平均）。",
    ),
    (
        "Table 1 (feedback, counter), rows k >= 2: core's counter counts every unnecessary contact since the rumor was learned and never resets; the paper's counter (an independent simulation reproduces its table this way) counts unnecessary contacts since the last necessary one. Ours loses interest sooner and leaves a larger residue, close to the coin's. Row k = 1 is the same under both counters.",
        "表 1（反馈、计数器）k >= 2 的各行：core 的计数器统计自得知谣言以来的每一次无效接触，从不清零；论文的计数器（一个独立的模拟按这种方式复现了它的表格）统计自上一次有效接触以来的无效接触。我们的计数器更早失去兴趣，留下更大的残留，接近硬币规则的结果。k = 1 这一行在两种计数器下相同。",
    ),
    (
        "Table 1's t_ave (mean arrival) is not measured: the trials runner records the last arrival only.",
        "没有测量表 1 的 t_ave（平均到达时间）：试验运行器只记录最后一次到达。",
    ),
    (
        "s = e^-m (Demers et al. §1.4): compare the residue with e^-m computed from our own traffic.",
        "s = e^-m（Demers 等人 §1.4）：把残留率与用我们自己的流量算出的 e^-m 相比较。",
    ),
    // gossip-swim.
    ("SWIM under message loss", "丢包下的 SWIM"),
    ("probes failed", "探测失败比例"),
    ("formula", "公式"),
    ("false suspicions per member-minute", "每成员每分钟的误怀疑"),
    (
        "false dead declarations per trial",
        "每次试验误判死亡的次数",
    ),
    ("crash to first suspicion (s)", "崩溃到首次怀疑（秒）"),
    ("formula, no loss (s)", "公式，无丢包（秒）"),
    (
        "crash to all believing it dead (s)",
        "崩溃到所有成员都认定其死亡（秒）",
    ),
    ("not detected in cap", "上限内未检测到"),
    (
        "Setup: {} members, probe every {} ms, ack timeout {} ms, {} indirect probes, suspicion on (suspect timeout {} ms); one-way latency 10-20 ms; every message lost independently with the row's probability. {} s with every member alive, then one member (chosen by the seed) crashes at a random point of a probe period.",
        "设置：{0} 个成员，每 {1} 毫秒探测一次，ack 超时 {2} 毫秒，{3} 个间接探测，开启怀疑机制（怀疑超时 {4} 毫秒）；单程延迟 10-20 毫秒；每条消息按该行的概率独立丢失。所有成员先存活 {5} 秒，然后一个成员（由种子选定）在某个探测周期内的随机时刻崩溃。",
    ),
    (
        "Setup: {} members, probe every {} ms, ack timeout {} ms, {} indirect probes, suspicion off (suspect timeout {} ms); one-way latency 10-20 ms; every message lost independently with the row's probability. {} s with every member alive, then one member (chosen by the seed) crashes at a random point of a probe period.",
        "设置：{0} 个成员，每 {1} 毫秒探测一次，ack 超时 {2} 毫秒，{3} 个间接探测，关闭怀疑机制（怀疑超时 {4} 毫秒不起作用）；单程延迟 10-20 毫秒；每条消息按该行的概率独立丢失。所有成员先存活 {5} 秒，然后一个成员（由种子选定）在某个探测周期内的随机时刻崩溃。",
    ),
    (
        "Formula (SWIM §3.1): a probe of a live member fails when the direct ping or its ack is lost and each indirect path (ping-req, ping, ack, ack) loses a message: (1 - (1-q)^2)(1 - (1-q)^4)^k. Each failed probe raises a suspicion (or, without suspicion, a death).",
        "公式（SWIM §3.1）：当直接 ping 或它的 ack 丢失，并且每条间接路径（ping-req、ping、ack、ack）都丢了一条消息时，对一个存活成员的探测就会失败：(1 - (1-q)^2)(1 - (1-q)^4)^k。每次失败的探测都会引起一次怀疑（关闭怀疑机制时，直接判定死亡）。",
    ),
    (
        "First suspicion without loss: the first probe of the crashed member by one of the others at independent random phases, then the end of that prober's period (core's gossip::theory); loss adds false starts the formula leaves out.",
        "无丢包时的首次怀疑：其他成员以相互独立的随机相位探测，第一个探测到崩溃成员的，在它的探测周期结束时提出怀疑（core 的 gossip::theory）；丢包会带来公式没有计入的误报。",
    ),
    // paxos-duels.
    (
        "Rounds and time until a value is chosen",
        "直到选定一个值的轮数与时间",
    ),
    (
        "Duel lengths: how many trials chose their value in each round",
        "对决长度：在每一轮选定值的试验数",
    ),
    (
        "Share of runs still undecided after R rounds",
        "R 轮之后仍未决定的运行所占比例",
    ),
    ("proposers", "proposer 数"),
    ("back-off", "退避"),
    ("not chosen in cap", "上限内未选定"),
    ("median", "中位数"),
    ("p99", "p99"),
    ("round", "轮"),
    ("share", "占比"),
    ("R", "R"),
    ("share undecided", "未决定的占比"),
    (
        "Setup: the proposers, {} acceptors and one learner on separate nodes (core's PaxosConfig::separate); one-way latency {} ms, no loss; phase timeout 150 ms; back-off {} ms when randomized, {} ms when fixed. Each proposer proposes its own value after one back-off from time 0.",
        "设置：proposer、{0} 个 acceptor 和一个 learner 各在不同的节点上（core 的 PaxosConfig::separate）；单程延迟 {1} 毫秒，不丢包；阶段超时 150 毫秒；随机退避时为 {2} 毫秒，固定退避时为 {3} 毫秒。每个 proposer 从时刻 0 起经过一次退避后提出自己的值。",
    ),
    (
        "Round: the round of the first proposal a majority of acceptors accepted (numbers are round.proposer; a retry takes a round above every number its proposer has seen). A run not chosen in the cap counts as undecided after every R.",
        "轮：被多数 acceptor 接受的第一个提案所在的轮次（编号为“轮. proposer”；重试时取一个高于该 proposer 见过的所有编号的轮次）。上限内没有选定值的运行，在每个 R 之后都算作未决定。",
    ),
    (
        "Paxos Made Simple gives no numbers to compare with: only the argument (§2.4) that dueling proposers need randomness or real time to make progress.",
        "《Paxos Made Simple》没有给出可以比较的数字，只论证了（§2.4）相互对决的 proposer 需要随机性或真实时间才能取得进展。",
    ),
];

/// The crate's `text` in the reader's language: itself in English, its Chinese when the table
/// has it, else itself.
pub fn say_lab(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En => text.to_owned(),
        Lang::Zh => chinese(text).unwrap_or_else(|| text.to_owned()),
    }
}

/// The Chinese of `text`, if the table has its template.
pub fn chinese(text: &str) -> Option<String> {
    SENTENCES.iter().find_map(|(en, zh)| {
        let values = holes(en, text)?;
        Some(fill(zh, &values))
    })
}

/// The values `text` puts in the `{}` of `template`, if it matches the template: its literal
/// parts in order, each value running to the next literal's first occurrence (the last to the
/// end).
fn holes<'a>(template: &str, text: &'a str) -> Option<Vec<&'a str>> {
    let mut literals = template.split("{}");
    let mut rest = text.strip_prefix(literals.next().unwrap_or_default())?;
    let literals: Vec<&str> = literals.collect();
    let mut values = Vec::with_capacity(literals.len());
    for (i, literal) in literals.iter().enumerate() {
        let last = i + 1 == literals.len();
        let end = if last {
            rest.strip_suffix(literal)?.len()
        } else {
            rest.find(literal)?
        };
        values.push(&rest[..end]);
        rest = &rest[end + literal.len()..];
    }
    rest.is_empty().then_some(values)
}

/// `template` with `{0}`, `{1}` … replaced by `values`.
fn fill(template: &str, values: &[&str]) -> String {
    values
        .iter()
        .enumerate()
        .fold(template.to_owned(), |out, (i, v)| {
            out.replace(&format!("{{{i}}}"), v)
        })
}

#[cfg(test)]
mod tests {
    use concord_lab::{Cell, Params};

    use super::*;

    #[test]
    fn templates_take_their_values_in_order_and_give_them_back_where_chinese_wants_them() {
        assert_eq!(
            chinese("reproduces: 97 of 100 trials without a leader within 10 s").as_deref(),
            Some("复现：100 次试验中有 97 次在 10 秒内没有选出 leader")
        );
        assert_eq!(
            chinese("reproduces: 3 of 5 trials without a leader within 10 s (cap under 10 s)")
                .as_deref(),
            Some("复现：5 次试验中有 3 次在 10 秒内没有选出 leader（上限不足 10 秒）")
        );
        assert_eq!(chinese("differs by +12 %").as_deref(), Some("相差 +12 %"));
        assert_eq!(chinese("trials").as_deref(), Some("试验次数"));
        // Exact sentences match only themselves.
        assert_eq!(chinese("trials!"), None);
        assert_eq!(chinese("no such sentence"), None);
        assert_eq!(say_lab(Lang::En, "trials"), "trials");
        assert_eq!(say_lab(Lang::Zh, "push"), "push");
        assert_eq!(say_lab(Lang::Zh, "random"), "随机");
        assert_eq!(say_lab(Lang::En, "random"), "random");
        assert_eq!(holes("a {} b {}", "a 1 b 2"), Some(vec!["1", "2"]));
        assert_eq!(holes("a {} b", "a 1 c"), None);
    }

    /// Every experiment's words, in the setups that change them (a disk delay, equal logs,
    /// jitter, feedback on arrival, another size, suspicion off), each run for a few trials:
    /// every table title, column label, verdict and note has its Chinese.
    #[test]
    fn every_title_label_verdict_and_note_of_every_experiment_has_its_chinese() {
        type Setup = (&'static str, &'static [(&'static str, &'static str)], usize);
        let setups: &[Setup] = &[
            ("raft-figure16", &[("ranges", "150-150,150-155,12-24")], 2),
            (
                "raft-figure16",
                &[
                    ("ranges", "150-155,12-24"),
                    ("persist", "1-2"),
                    ("logs", "equal"),
                ],
                2,
            ),
            (
                "raft-figure16",
                &[("ranges", "12-24"), ("latency", "8-12")],
                1,
            ),
            (
                "raft-figure16",
                &[("ranges", "150-151,150-160"), ("cap", "100")],
                1,
            ),
            (
                "raft-availability",
                &[("guards", "plain"), ("loss", "0"), ("duration", "1000")],
                1,
            ),
            (
                "raft-rejoin",
                &[("guards", "plain,prevote,checkquorum,both")],
                1,
            ),
            ("gossip-spread", &[("n", "10,30"), ("modes", "push")], 2),
            (
                "gossip-spread",
                &[("n", "30"), ("modes", "pull"), ("jitter", "200")],
                1,
            ),
            ("gossip-rumor", &[("n", "200"), ("k", "1,2")], 2),
            (
                "gossip-rumor",
                &[("k", "2"), ("lockstep-feedback", "false")],
                2,
            ),
            (
                "gossip-rumor",
                &[("n", "100"), ("k", "2"), ("mode", "pull")],
                1,
            ),
            ("gossip-rumor", &[("k", "1,2"), ("stops", "counter")], 3),
            (
                "gossip-swim",
                &[
                    ("n", "10"),
                    ("loss", "0"),
                    ("watch", "5000"),
                    ("cap", "20000"),
                ],
                1,
            ),
            (
                "gossip-swim",
                &[
                    ("n", "10"),
                    ("loss", "0"),
                    ("suspicion", "false"),
                    ("watch", "5000"),
                    ("cap", "20000"),
                ],
                1,
            ),
            ("paxos-duels", &[("proposers", "1,2")], 3),
        ];
        let mut missing = Vec::new();
        let mut check = |what: &str, text: &str| {
            if !text.is_empty() && chinese(text).is_none() {
                missing.push(format!("{what}: {text:?}"));
            }
        };
        for &(name, pairs, trials) in setups {
            let params = pairs.iter().fold(Params::new(), |p, (k, v)| p.with(k, v));
            let report = concord_lab::run(name, &params, 1, trials)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            for table in &report.tables {
                check(name, &table.title);
                for column in &table.columns {
                    check(name, column.label);
                }
                let verdicts = table.columns.iter().position(|c| c.key == "verdict");
                for row in &table.rows {
                    if let Some(Cell::Text(verdict)) = verdicts.map(|i| &row[i]) {
                        check(name, verdict);
                    }
                    // The values that name the row, but for ranges and gossip's modes.
                    for cell in row {
                        if let Cell::Text(value) = cell
                            && value.chars().all(|c| c.is_ascii_lowercase())
                            && !["push", "pull"].contains(&value.as_str())
                        {
                            check(name, value);
                        }
                    }
                }
            }
            for note in &report.notes {
                check(name, note);
            }
        }
        assert!(
            missing.is_empty(),
            "no Chinese for:\n{}",
            missing.join("\n")
        );
    }
}
