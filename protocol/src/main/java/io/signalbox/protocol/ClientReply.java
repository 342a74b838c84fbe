package io.signalbox.protocol;

/** What a node answers, one of a closed set; every answer but an error says the zxid it speaks of. */
public sealed interface ClientReply
        permits CommandResult, ReadResult, HistoryResult, StreamSnapshot, StreamEntry, StatusResult, ReportAccepted, AuthResult, ErrorReply {
    /** Commands: the zxid committed; reads: the state's zxid; streams: the entry's; errors: 0. */
    long zxid();
}
