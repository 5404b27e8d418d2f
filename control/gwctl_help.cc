#include "control/gwctl_help.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gw::ctl {

const std::vector<HelpTopic>& HelpTopics() {
  static const std::vector<HelpTopic> kTopics = {
      {"link",
       {"link [show]", "link set [dev] IFACE [up|down] [mtu N]"},
       "Ports (port0, port1, ... in DPDK port order) and tunnels, with their state and MTU. A "
       "port\n"
       "that is down drops what it receives and what would leave through it (link_down); a\n"
       "tunnel is created down and needs \"link set NAME up\". A port's mtu is 68..65535, a\n"
       "tunnel's 68..65515 (its largest inner packet)."},
      {"addr",
       {"addr [show]", "addr add [local] A[/LEN] [peer B[/LEN]] dev IFACE",
        "addr del [local] A[/LEN] dev IFACE"},
       "The gateway's own addresses. Each adds its connected route (to the peer prefix with\n"
       "peer); a tunnel's local address must be one of them for the tunnel to receive."},
      {"tunnel",
       {"tunnel show [NAME]",
        "tunnel add|change [name] NAME [mode ipip|sit|any] [remote R|any] [local L]",
        "    [ttl N|inherit] [tos N|inherit] [dev portN] [pmtudisc|nopmtudisc]",
        "tunnel add|change [name] NAME mode ip6ip6|ipip6|any remote R6 local L6",
        "    [hoplimit N|inherit] [tclass N|inherit] [encaplimit none|N] [dev portN]",
        "tunnel del [name] NAME"},
       "IPIP (mode ipip, RFC 2003), 6in4 (mode sit, RFC 4213) or both (mode any) over IPv4.\n"
       "Defaults: remote any, ttl inherit, tos 0, pmtudisc, MTU 1480 (or the dev port's MTU - "
       "20).\n"
       "Over IPv6 (ip6tnl, RFC 2473): IPv6 (ip6ip6), IPv4 (ipip6) or both (any with IPv6\n"
       "addresses); defaults hoplimit 64, tclass 0, encaplimit 4, MTU 1452 (1460 with\n"
       "encaplimit none).\n"
       "local is required. tunnel del removes the tunnel's routes and addresses too."},
      {"route",
       {"route [show]", "route add|replace PREFIX [via [inet|inet6] G] [dev IFACE] [onlink]",
        "route del PREFIX [via G] [dev IFACE]"},
       "One route per prefix (A/LEN, A, or default). Through a port: to the destination or via G\n"
       "on a connected network of the port (or onlink). Into a tunnel: dev TUNNEL; for a\n"
       "\"remote any\" tunnel, via G is the outer destination."},
      {"neigh",
       {"neigh [show]", "neigh add|replace ADDR lladdr MAC dev portN [nud permanent]",
        "neigh del ADDR dev portN"},
       "Static neighbours. Next hops without one are resolved with ARP or Neighbour Discovery;\n"
       "neigh show lists the static entries, then the learned ones (REACHABLE, PROBE,\n"
       "INCOMPLETE). neigh del removes a learned entry as well."},
      {"stats",
       {"stats [--prometheus]"},
       "Counters: ports, packets processed, drops by reason, events, busy tunnels, lcores.\n"
       "-j: all of them as JSON (every tunnel). --prometheus: the Prometheus text format that\n"
       "gatewayd --metrics serves on /metrics, for node_exporter's textfile collector."},
      {"config",
       {"config show", "config save [FILE]", "config reload [FILE]"},
       "The running configuration in the command language; save writes it atomically to FILE,\n"
       "by default the file gatewayd was started with (--config). reload reads that file (or\n"
       "FILE, as gatewayd sees the path) again and applies only what differs, while traffic\n"
       "flows: a bad line changes nothing and the error is FILE:LINE: what is wrong with which\n"
       "word; a change the dataplane refuses half way is rolled back. -j: the counts as JSON.\n"
       "systemctl reload gatewayd runs it."},
      {"help",
       {"help [COMMAND]"},
       "This help, without asking the gateway. The manual: gwctl(8), gatewayd.conf(5)."},
  };
  return kTopics;
}

namespace {

// iproute2-style: any prefix of the word, plus the spellings the command language takes.
const HelpTopic* Find(const std::string& word) {
  static const std::pair<const char*, const char*> kAliases[] = {
      {"address", "addr"}, {"neighbour", "neigh"}, {"neighbor", "neigh"}, {"tunl", "tunnel"}};
  std::string w = word;
  for (const auto& [alias, name] : kAliases)
    if (w == alias) w = name;
  if (w.empty()) return nullptr;
  for (const HelpTopic& t : HelpTopics())
    if (absl::StartsWith(t.name, w)) return &t;
  return nullptr;
}

std::string Synopses() {
  std::string out;
  for (const HelpTopic& t : HelpTopics())
    for (const char* s : t.synopsis) absl::StrAppend(&out, "  ", s, "\n");
  return out;
}

}  // namespace

std::string UsageText() {
  return absl::StrCat(
      "usage: gwctl [--socket=PATH] [-j] [--timeout_ms=N] COMMAND...\n"
      "       gwctl [--socket=PATH] --batch=FILE\n"
      "       gwctl help [COMMAND]\n"
      "\n"
      "Sends one command to gatewayd over its control socket and prints the reply. The\n"
      "configuration commands are those of gatewayd.conf(5); a leading \"ip\" is accepted.\n"
      "\n"
      "options:\n"
      "  --socket=PATH     the control socket (default: $GATEWAYD_SOCKET, else "
      "/run/gatewayd.sock)\n"
      "  -j                JSON output for show, stats and config reload\n"
      "  --batch=FILE      every command of FILE over one connection, stopping at the first that\n"
      "                    fails\n"
      "  --timeout_ms=N    give up on a reply after N ms (default 30000)\n"
      "  --help            this text\n"
      "\n"
      "commands:\n",
      Synopses(),
      "\n"
      "exit status: 0 done; 1 the gateway refused the command (nothing changed); 2 usage error or\n"
      "gatewayd not reachable. See gwctl(8).\n");
}

std::string HelpText(const std::string& word) {
  if (word.empty()) return absl::StrCat("commands (gwctl help COMMAND for one):\n", Synopses());
  const HelpTopic* t = Find(word);
  if (t == nullptr) return "";
  std::string out;
  for (const char* s : t->synopsis) absl::StrAppend(&out, "  ", s, "\n");
  absl::StrAppend(&out, "\n", t->text, "\n");
  return out;
}

}  // namespace gw::ctl
