//! The JSON form of every Raft message, pinned. Run files, the message inspector and the
//! embedding API read messages through serde, so a change to how a message is declared must
//! not change the JSON it writes or reads.

use concord_core::raft::message::{
    AppendEntries, AppendEntriesReply, ClientRead, ClientRequest, InstallSnapshot,
    InstallSnapshotReply, PreVote, PreVoteReply, RequestVote, RequestVoteReply, TimeoutNow,
};
use concord_core::raft::{
    Command, Configuration, Entry, EntryKind, Msg, Op, ReadMode, Rejection, Snapshot, Timer,
};
use concord_core::sim::{Action, NodeId};

fn snapshot() -> Snapshot {
    Snapshot {
        last_included_index: 4,
        last_included_term: 2,
        state_machine: Default::default(),
        configuration: Configuration::initial(3, 0),
        configuration_index: 0,
    }
}

/// One message of each kind, with every optional field both set and left out somewhere.
fn messages() -> Vec<Msg> {
    let set: Op = "set x 3".parse().unwrap();
    vec![
        Msg::RequestVote(RequestVote {
            term: 3,
            last_log_index: 5,
            last_log_term: 2,
            transfer: false,
        }),
        Msg::RequestVote(RequestVote {
            term: 3,
            last_log_index: 5,
            last_log_term: 2,
            transfer: true,
        }),
        Msg::RequestVoteReply(RequestVoteReply {
            term: 3,
            granted: true,
        }),
        Msg::AppendEntries(AppendEntries {
            term: 2,
            prev_log_index: 1,
            prev_log_term: 1,
            entries: vec![
                Entry::noop(2),
                Entry::command(2, 7, 1, set.clone()),
                Entry {
                    term: 2,
                    kind: EntryKind::Config(Configuration::initial(3, 1)),
                },
            ],
            leader_commit: 1,
            round: 0,
        }),
        Msg::AppendEntries(AppendEntries {
            term: 2,
            prev_log_index: 4,
            prev_log_term: 2,
            entries: vec![],
            leader_commit: 4,
            round: 9,
        }),
        Msg::AppendEntriesReply(AppendEntriesReply {
            term: 2,
            success: true,
            match_index: 4,
            rejection: None,
            round: 0,
        }),
        Msg::AppendEntriesReply(AppendEntriesReply {
            term: 2,
            success: false,
            match_index: 0,
            rejection: Some(Rejection {
                prev_log_index: 4,
                conflict_term: Some(1),
                conflict_index: Some(2),
            }),
            round: 9,
        }),
        Msg::InstallSnapshot(InstallSnapshot {
            term: 2,
            snapshot: snapshot(),
        }),
        Msg::InstallSnapshotReply(InstallSnapshotReply {
            term: 2,
            last_included_index: 4,
        }),
        Msg::ClientRequest(ClientRequest {
            term: 2,
            client: 7,
            seq: 1,
            op: set,
            requested_at: 1_500,
            hops: 1,
        }),
        Msg::ClientRead(ClientRead {
            term: 2,
            client: 7,
            seq: 2,
            key: "x".into(),
            mode: ReadMode::ReadIndex,
            requested_at: 2_500,
            hops: 1,
        }),
        Msg::PreVote(PreVote {
            term: 4,
            last_log_index: 5,
            last_log_term: 2,
        }),
        Msg::PreVoteReply(PreVoteReply {
            term: 3,
            granted: false,
        }),
        Msg::TimeoutNow(TimeoutNow { term: 3 }),
    ]
}

/// Written by `Msg` as first declared (struct variants); any later declaration must match.
const PINNED: &[&str] = &[
    r#"{"type":"RequestVote","term":3,"last_log_index":5,"last_log_term":2}"#,
    r#"{"type":"RequestVote","term":3,"last_log_index":5,"last_log_term":2,"transfer":true}"#,
    r#"{"type":"RequestVoteReply","term":3,"granted":true}"#,
    r#"{"type":"AppendEntries","term":2,"prev_log_index":1,"prev_log_term":1,"entries":[{"term":2,"kind":{"type":"noop"}},{"term":2,"kind":{"type":"command","client":7,"seq":1,"op":{"op":"set","key":"x","value":3}}},{"term":2,"kind":{"type":"config","voters":[0,1],"learners":[]}}],"leader_commit":1}"#,
    r#"{"type":"AppendEntries","term":2,"prev_log_index":4,"prev_log_term":2,"entries":[],"leader_commit":4,"round":9}"#,
    r#"{"type":"AppendEntriesReply","term":2,"success":true,"match_index":4,"rejection":null}"#,
    r#"{"type":"AppendEntriesReply","term":2,"success":false,"match_index":0,"rejection":{"prev_log_index":4,"conflict_term":1,"conflict_index":2},"round":9}"#,
    r#"{"type":"InstallSnapshot","term":2,"snapshot":{"last_included_index":4,"last_included_term":2,"state_machine":{"data":{},"sessions":{}},"configuration":{"voters":[0,1,2],"learners":[]},"configuration_index":0}}"#,
    r#"{"type":"InstallSnapshotReply","term":2,"last_included_index":4}"#,
    r#"{"type":"ClientRequest","term":2,"client":7,"seq":1,"op":{"op":"set","key":"x","value":3},"requested_at":1500,"hops":1}"#,
    r#"{"type":"ClientRead","term":2,"client":7,"seq":2,"key":"x","mode":"read-index","requested_at":2500,"hops":1}"#,
    r#"{"type":"PreVote","term":4,"last_log_index":5,"last_log_term":2}"#,
    r#"{"type":"PreVoteReply","term":3,"granted":false}"#,
    r#"{"type":"TimeoutNow","term":3}"#,
];

#[test]
fn every_message_writes_the_pinned_json_and_reads_it_back() {
    let messages = messages();
    assert_eq!(messages.len(), PINNED.len());
    for (msg, pinned) in messages.iter().zip(PINNED) {
        assert_eq!(&serde_json::to_string(msg).unwrap(), pinned);
        let back: Msg = serde_json::from_str(pinned).unwrap();
        assert_eq!(&back, msg);
    }
}

/// A tape's actions name timers and commands; their JSON is pinned too.
#[test]
fn timer_and_command_actions_write_the_pinned_json() {
    let actions: Vec<Action<concord_core::raft::RaftNode>> = vec![
        Action::Fire(NodeId(1), Timer::Election),
        Action::Command(NodeId(0), Command::Timeout),
        Action::Command(
            NodeId(0),
            Command::Client {
                client: 1,
                seq: 2,
                op: "add y 1".parse().unwrap(),
            },
        ),
    ];
    let json = serde_json::to_string(&actions).unwrap();
    assert_eq!(
        json,
        r#"[{"Fire":[1,"Election"]},{"Command":[0,"Timeout"]},{"Command":[0,{"Client":{"client":1,"seq":2,"op":{"op":"add","key":"y","delta":1}}}]}]"#
    );
}
