// gatewayd's log: DPDK's rte_log under a log type of its own, "gatewayd", so the EAL's
// --log-level=gatewayd:debug (or :info, :notice, :warning) sets its level like any DPDK
// component's. Default level: info.
//
// Control events are one line each, in logfmt, after DPDK's usual "TYPE: " prefix:
//
//   GATEWAYD: event=command_applied source=socket command="route add 10.1.0.0/16 dev tun1"
//
// Keys are fixed words, values are quoted (Go-style: \" \\ \n) when they hold anything but
// [A-Za-z0-9_.:/@+-]. docs/operations.md lists the events. None of this runs on a worker lcore.
#pragma once

#include <rte_log.h>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "control/net.h"

namespace gw::ctl {

// The "gatewayd" log type, registered on first use (after rte_eal_init it picks up the
// --log-level given to the EAL).
int LogType();
bool LogEnabled(uint32_t level);  // e.g. RTE_LOG_DEBUG

struct LogField {
  absl::string_view key;
  absl::string_view value;
};

// One line: "GATEWAYD: event=EVENT k1=v1 k2=v2".
void LogEvent(uint32_t level, absl::string_view event, std::initializer_list<LogField> fields);

// A value as logfmt writes it: bare if it is one plain word, quoted otherwise.
std::string LogValue(absl::string_view v);

// Under systemd (stderr connected to the journal: $JOURNAL_STREAM set), DPDK's default log
// stream writes every message twice, to stderr and to syslog, and the journal would store both.
// This points rte_log at stderr only, each line prefixed with its syslog level ("<6>") so
// journalctl -p still filters by level. Does nothing elsewhere.
void LogToJournalIfThere();

// The neighbour resolver's events (one call each in resolver.cc). `mac` holds the 6 bytes in
// memory order.
void LogNeighLearned(uint16_t port, const IpAddr& addr, uint64_t mac, bool changed);
void LogNeighFailed(uint16_t port, const IpAddr& addr, uint32_t probes, bool was_reachable);

}  // namespace gw::ctl
