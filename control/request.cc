#include "control/request.h"

#include "control/resolver.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "control/command.h"
#include "control/config_reload.h"
#include "control/json.h"
#include "control/log.h"
#include "control/metrics.h"
#include "control/stats.h"

namespace gw::ctl {
namespace {

Reply Error(absl::string_view msg) { return Reply{false, std::string(msg)}; }

bool IsShowWord(absl::string_view w) { return w == "show" || w == "list" || w == "ls" || w == "lst"; }

// The request's words, its -j and leading "ip" taken off; an error for control characters and an
// empty command.
absl::StatusOr<std::vector<absl::string_view>> RequestWords(absl::string_view line, bool* json) {
  for (char c : line)
    if (c == '\0' || (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\r'))
      return absl::InvalidArgumentError("request holds control characters");
  std::vector<absl::string_view> t = Tokenize(line);
  *json = false;
  if (!t.empty() && (t[0] == "-j" || t[0] == "-json")) {
    *json = true;
    t.erase(t.begin());
  }
  if (!t.empty() && t[0] == "ip") t.erase(t.begin());
  if (t.size() > 1 && IsIp6Tunnel(t[0], t[1])) t.erase(t.begin());
  if (t.empty()) return absl::InvalidArgumentError("empty command");
  return t;
}

// Reads: stats, config, and an object word alone or followed by a show word.
bool IsRead(const std::vector<absl::string_view>& t) {
  return t[0] == "stats" || t[0] == "config" || t.size() == 1 || IsShowWord(t[1]);
}

}  // namespace

RequestHandler::RequestHandler(Gateway& gw, const dp::Dataplane* dp, std::string config_path)
    : gw_(gw), dp_(dp), config_path_(std::move(config_path)) {}

absl::Status CheckRequestSyntax(absl::string_view line) {
  bool json;
  absl::StatusOr<std::vector<absl::string_view>> t = RequestWords(line, &json);
  if (!t.ok()) return t.status();
  if (IsRead(*t)) return absl::OkStatus();
  return ParseCommand(*t).status();
}

Reply RequestHandler::Handle(absl::string_view line, bool batch) {
  bool json;
  absl::StatusOr<std::vector<absl::string_view>> words = RequestWords(line, &json);
  if (!words.ok()) return Error(words.status().message());
  std::vector<absl::string_view>& t = *words;
  const absl::string_view obj = t[0];
  if (obj == "stats") {
    // (ops) Prometheus text exposition, the same as /metrics: node_exporter's textfile collector.
    if (t.size() == 2 && t[1] == "--prometheus" && !json) {
      if (dp_ == nullptr) return Error("no dataplane to read counters from");
      return Reply{true, PrometheusText(TakeSnapshot(*dp_), *dp_, TunnelsOf(gw_))};
    }
    if (t.size() > 1) return Error(absl::StrCat("unknown word \"", t[1], "\" after stats"));
    return Stats(json);
  }
  if (obj == "config") {
    if (t.size() >= 2 && IsShowWord(t[1])) {
      if (t.size() > 2) return Error(absl::StrCat("unknown word \"", t[2], "\" after config show"));
      return Reply{true, gw_.ConfigText()};
    }
    if (t.size() >= 2 && t[1] == "save") return ConfigSave({t.begin() + 2, t.end()});
    if (t.size() >= 2 && t[1] == "reload") return ConfigReload({t.begin() + 2, t.end()}, json);
    return Error("config: expected show, save [FILE] or reload [FILE]");
  }
  // `link`, `link show`, `tunnel show NAME`, ...: reads. Everything else is a change.
  const bool bare = t.size() == 1;
  if (bare || IsShowWord(t[1])) {
    std::vector<absl::string_view> args(t.begin() + (bare ? 1 : 2), t.end());
    return Show(obj, args, json);
  }
  absl::StatusOr<Command> cmd = ParseCommand(t);
  if (!cmd.ok()) return Error(cmd.status().message());
  // (ops) One line per change; a batch's (100k lines, say) at debug, the server sums them up.
  const char* source = batch ? "batch" : "socket";
  if (absl::Status s = gw_.Apply(*cmd); !s.ok()) {
    LogEvent(RTE_LOG_INFO, "command_refused",
             {{"source", source}, {"command", line}, {"error", s.message()}});
    return Error(s.message());
  }
  LogEvent(batch ? RTE_LOG_DEBUG : RTE_LOG_INFO, "command_applied",
           {{"source", source}, {"command", line}});
  if (on_applied_) on_applied_();
  return Reply{true, ""};
}

Reply RequestHandler::Show(absl::string_view obj, const std::vector<absl::string_view>& args,
                           bool json) {
  auto is = [obj](absl::string_view full, size_t min) {
    return obj.size() >= min && obj.size() <= full.size() && full.substr(0, obj.size()) == obj;
  };
  Json j;
  std::string text;
  if (is("link", 1)) {
    if (!args.empty()) return Error(absl::StrCat("unknown word \"", args[0], "\" after link show"));
    j.BeginArray();
    int i = 0;
    for (const Gateway::LinkView& l : gw_.Links()) {
      j.BeginObject().Key("name").String(l.name).Key("kind").String(l.is_tunnel ? "tunnel" : "port");
      j.Key("mac");
      if (l.is_tunnel) {
        j.Null();
      } else {
        j.String(l.mac);
      }
      j.Key("mtu").Uint(l.mtu).Key("up").Bool(l.up).EndObject();
      absl::StrAppend(&text, ++i, ": ", l.name, ": <", l.up ? "UP" : "DOWN", "> mtu ", l.mtu,
                      l.is_tunnel ? " link/ipip" : absl::StrCat(" link/ether ", l.mac), "\n");
    }
    j.EndArray();
  } else if (obj == "addr" || is("address", 1)) {
    if (!args.empty()) return Error(absl::StrCat("unknown word \"", args[0], "\" after addr show"));
    j.BeginArray();
    for (const Gateway::AddressView& a : gw_.Addresses()) {
      j.BeginObject().Key("dev").String(a.dev).Key("family").String(a.local.addr.family == 4 ? "inet" : "inet6");
      j.Key("local").String(a.local.addr.ToString()).Key("prefixlen").Uint(a.local.len);
      j.Key("peer");
      if (a.peer) {
        j.String(PrefixText(*a.peer));
      } else {
        j.Null();
      }
      j.EndObject();
      absl::StrAppend(&text, a.dev, ": ", a.local.addr.family == 4 ? "inet " : "inet6 ",
                      a.peer ? a.local.addr.ToString() : a.local.ToString(),
                      a.peer ? absl::StrCat(" peer ", a.peer->ToString()) : "", "\n");
    }
    j.EndArray();
  } else if (is("tunnel", 1) || obj == "tunl") {
    if (args.size() > 1) return Error(absl::StrCat("unknown word \"", args[1], "\" after tunnel show NAME"));
    if (absl::Status st = gw_.tunnel_config().Show(args.empty() ? "" : args[0], &text, &j);
        !st.ok())
      return Error(st.message());
  } else if (is("route", 1)) {
    if (!args.empty()) return Error(absl::StrCat("unknown word \"", args[0], "\" after route show"));
    j.BeginArray();
    for (const Gateway::RouteView& r : gw_.Routes()) {
      j.BeginObject().Key("prefix").String(r.prefix.ToString()).Key("dev").String(r.dev);
      j.Key("via");
      if (r.via) {
        j.String(r.via->ToString());
      } else {
        j.Null();
      }
      j.Key("proto").String(r.kernel ? "kernel" : "static").Key("onlink").Bool(r.onlink).EndObject();
      absl::StrAppend(&text, r.prefix.len == 0 ? "default" : PrefixText(r.prefix),
                      r.via ? absl::StrCat(" via ", r.via->ToString()) : "", " dev ", r.dev,
                      r.kernel ? " proto kernel scope link" : "", r.onlink ? " onlink" : "", "\n");
    }
    j.EndArray();
  } else if (is("neighbour", 1) || is("neighbor", 1)) {
    if (!args.empty()) return Error(absl::StrCat("unknown word \"", args[0], "\" after neigh show"));
    j.BeginArray();
    for (const Gateway::NeighView& n : gw_.Neighbours()) {
      j.BeginObject().Key("dst").String(n.addr.ToString()).Key("dev").String(n.dev);
      j.Key("lladdr").String(MacToString(n.lladdr)).Key("state").String("PERMANENT").EndObject();
      absl::StrAppend(&text, n.addr.ToString(), " dev ", n.dev, " lladdr ", MacToString(n.lladdr),
                      " PERMANENT\n");
    }
    if (resolver_ != nullptr) {
      for (const Resolver::EntryView& e : resolver_->Entries()) {
        const std::string dev = absl::StrCat("port", e.port);
        j.BeginObject().Key("dst").String(e.addr.ToString()).Key("dev").String(dev);
        if (e.lladdr) j.Key("lladdr").String(MacToString(*e.lladdr));
        j.Key("state").String(e.state).EndObject();
        absl::StrAppend(&text, e.addr.ToString(), " dev ", dev,
                        e.lladdr ? absl::StrCat(" lladdr ", MacToString(*e.lladdr)) : "", " ",
                        e.state, "\n");
      }
    }
    j.EndArray();
  } else {
    return Error(absl::StrCat("unknown command \"", obj,
                              "\" (link, addr, tunnel, route, neigh, stats, config)"));
  }
  return Reply{true, json ? j.Take() : text};
}

Reply RequestHandler::Stats(bool json) {
  if (dp_ == nullptr) return Error("no dataplane to read counters from");
  const StatsSnapshot s = TakeSnapshot(*dp_);
  if (!json) return Reply{true, ReportText(s, *dp_, gw_)};
  Json j;
  j.BeginObject().Key("ports").BeginArray();
  for (const PortStats& p : s.ports)
    j.BeginObject()
        .Key("name").String(p.name)
        .Key("rx_packets").Uint(p.rx_packets)
        .Key("rx_bytes").Uint(p.rx_bytes)
        .Key("tx_packets").Uint(p.tx_packets)
        .Key("tx_bytes").Uint(p.tx_bytes)
        .Key("rx_missed").Uint(p.rx_missed)
        .Key("rx_nombuf").Uint(p.rx_nombuf)
        .EndObject();
  j.EndArray().Key("tunnels").BeginArray();
  for (const Gateway::Tunnel* t : gw_.SortedTunnels()) {
    const dp::TunnelCounters c = gw_.TunnelCountersOf(*t);
    j.BeginObject()
        .Key("name").String(t->name)
        .Key("encap_packets").Uint(c.encap_packets)
        .Key("encap_bytes").Uint(c.encap_bytes)
        .Key("decap_packets").Uint(c.decap_packets)
        .Key("decap_bytes").Uint(c.decap_bytes)
        .EndObject();
  }
  j.EndArray().Key("drops").BeginObject();
  for (size_t i = 0; i < dp::kDropCount; ++i) j.Key(absl::string_view(dp::kDropNames[i].data(), dp::kDropNames[i].size())).Uint(s.drops[i]);
  j.EndObject().Key("events").BeginObject();
  for (size_t i = 0; i < dp::kEventCount; ++i)
    j.Key(absl::string_view(dp::kEventNames[i].data(), dp::kEventNames[i].size())).Uint(s.events[i]);
  j.EndObject().Key("lcores").BeginArray();
  for (const LcoreStats& l : s.lcores)
    j.BeginObject()
        .Key("lcore").Uint(l.lcore)
        .Key("packets").Uint(l.packets)
        .Key("busy_cycles").Uint(l.busy_cycles)
        .Key("cycles_per_packet").Double(l.packets ? static_cast<double>(l.busy_cycles) / l.packets : 0)
        .EndObject();
  j.EndArray().Key("processed").Uint(s.processed);
  const Books& b = s.books;
  const dp::WalkBooks& t = b.total;
  j.Key("books").BeginObject()
      .Key("balanced").Bool(b.balanced())
      .Key("off").Uint(b.off())
      .Key("consistent").Bool(b.consistent)
      .Key("received").Uint(t.received)
      .Key("made").Uint(t.made())
      .Key("answered_in_place").Uint(t.answered_in_place)
      .Key("fragments_made").Uint(t.fragments_made)
      .Key("reassembled").Uint(t.reassembled)
      .Key("sent").Uint(t.sent)
      .Key("dropped").Uint(t.dropped)
      .Key("handed_off").Uint(t.handed_off())
      .Key("punted").Uint(t.punted)
      .Key("fragmented").Uint(t.fragmented)
      .Key("to_reassembly").Uint(t.to_reassembly)
      .Key("reasm_used").Uint(t.reasm_used)
      .Key("reasm_dropped").Uint(t.reasm_dropped)
      .Key("reasm_waiting").Int(t.reasm_waiting())
      .Key("tx_queued").Uint(t.tx_queued())
      .Key("tx_full").Uint(t.tx_full)
      .Key("control").BeginObject()
      .Key("punted").Uint(b.punted)
      .Key("in_ring").Uint(b.in_ring)
      .Key("absorbed").Uint(b.absorbed)
      .Key("released").Uint(b.released)
      .Key("dropped").Uint(b.ctl_dropped)
      .Key("held").Uint(b.held)
      .Key("off").Int(b.control_off())
      .Key("made").Uint(b.ctl_made)
      .Key("inbox_queued").Uint(b.inbox_queued)
      .Key("tx_full").Uint(b.ctl_tx_full)
      .Key("in_inbox").Uint(b.in_inbox)
      .Key("sends_off").Int(b.sends_off())
      .Key("inbox_off").Int(b.inbox_off())
      .EndObject()
      .Key("spread").BeginObject()
      .Key("out").Uint(t.spread_out)
      .Key("in").Uint(t.spread_in)
      .Key("in_rings").Uint(b.in_spread)
      .Key("off").Int(b.spread_off())
      .EndObject()
      .Key("workers").BeginArray();
  for (const auto& [lcore, w] : b.workers)
    j.BeginObject().Key("lcore").Uint(lcore).Key("received").Uint(w.received)
        .Key("spread_out").Uint(w.spread_out).Key("spread_in").Uint(w.spread_in)
        .Key("off").Int(w.off()).EndObject();
  j.EndArray().EndObject().EndObject();
  return Reply{true, j.Take()};
}

Reply RequestHandler::ConfigSave(const std::vector<absl::string_view>& args) {
  if (args.size() > 1) return Error(absl::StrCat("unknown word \"", args[1], "\" after config save FILE"));
  const std::string path = args.empty() ? config_path_ : std::string(args[0]);
  if (path.empty())
    return Error("config save: gatewayd was started without --config; name a FILE");
  const std::string text = gw_.ConfigText();
  if (absl::Status s = WriteFileAtomically(path, text); !s.ok()) return Error(s.message());
  LogEvent(RTE_LOG_INFO, "config_saved",  // (ops)
           {{"file", path}, {"bytes", absl::StrCat(text.size())}});
  return Reply{true, absl::StrCat("saved to ", path, "\n")};
}

Reply RequestHandler::ConfigReload(const std::vector<absl::string_view>& args, bool json) {
  if (args.size() > 1)
    return Error(absl::StrCat("unknown word \"", args[1], "\" after config reload FILE"));
  const std::string path = args.empty() ? config_path_ : std::string(args[0]);
  if (path.empty())
    return Error("config reload: gatewayd was started without --config; name a FILE");
  ReloadResult r;
  const absl::Status s = ReloadConfigFile(path, gw_, &r, reload_options_);  // logs it (ops)
  // Tunnels may have come and gone, even if it failed and rolled back: metrics republish them.
  if (r.applied > 0 && on_applied_) on_applied_();
  if (!s.ok()) return Error(s.message());
  if (json) {
    Json j;
    j.BeginObject()
        .Key("file").String(path)
        .Key("changes").Uint(r.added + r.changed + r.removed)
        .Key("added").Uint(r.added)
        .Key("changed").Uint(r.changed)
        .Key("removed").Uint(r.removed)
        .EndObject();
    return Reply{true, j.Take()};
  }
  return Reply{true, absl::StrCat(ReloadSummary(path, r), "\n")};
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view text) {
  const std::string tmp = absl::StrCat(path, ".tmp.", getpid());
  auto fail = [&](const char* what) {
    const int e = errno;
    unlink(tmp.c_str());
    return absl::InternalError(absl::StrCat("config save: ", what, " ", path, ": ", std::strerror(e)));
  };
  const int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return fail("cannot create a file beside");
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      close(fd);
      return fail("cannot write");
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) {
    close(fd);
    return fail("cannot fsync");
  }
  close(fd);
  if (rename(tmp.c_str(), path.c_str()) != 0) return fail("cannot rename onto");
  const size_t slash = path.rfind('/');
  const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  if (int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return absl::OkStatus();
}

}  // namespace gw::ctl
