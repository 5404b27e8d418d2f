// What every fuzz target shares: one EAL per process (--no-huge --no-pci, a file prefix of its
// own, its runtime directory removed at exit), and a Gateway over small real tables with three
// ports, configured by real commands, that can be put back to its base configuration after an
// input changed it (so that each input starts from the same state).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_split.h"
#include "control/command.h"
#include "control/config_file.h"
#include "control/gateway.h"
#include "dataplane/dpdk.h"
#include "dataplane/io.h"
#include "dataplane/tables/tables.h"

namespace gw::fuzz {

[[noreturn]] inline void Die(const std::string& what) {
  std::fprintf(stderr, "FUZZ INVARIANT BROKEN: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}
#define FUZZ_CHECK(cond, what)                                      \
  do {                                                              \
    if (!(cond)) ::gw::fuzz::Die(std::string(#cond ": ") + (what)); \
  } while (0)

inline std::string g_runtime_dir;

// rte_eal_init once for this process: --no-huge --no-pci --no-shconf, 512 MB, one lcore, a
// file prefix with the target's name and the pid.
inline void InitEal(const char* target) {
  const std::string prefix = std::string("--file-prefix=gwfuzz_") + target + "_" +
                             std::to_string(getpid());
  std::vector<std::string> args = {"gwfuzz",  "--no-huge",    "--no-pci", "--no-shconf",
                                   "-m",      "512",          prefix,     "--log-level=*:error",
                                   "-l",      "0",            "--no-telemetry"};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(args.size()), argv.data()) < 0) {
    std::fprintf(stderr, "EAL init failed: %s\n", rte_strerror(rte_errno));
    std::exit(1);
  }
  if (dp::RegisterPuntMeta() < 0) {
    std::fprintf(stderr, "cannot register the punt field\n");
    std::exit(1);
  }
  g_runtime_dir = rte_eal_get_runtime_dir();
  std::atexit([] { rmdir(g_runtime_dir.c_str()); });
}

inline dp::TableSizes FuzzSizes() {
  dp::TableSizes s;
  s.tunnels = 64;
  s.routes = 1024;
  s.routes6 = 1024;
  s.tbl8s = 64;
  s.tbl8s6 = 64;
  s.nexthops = 256;
  s.neighbours = 256;
  return s;
}

inline constexpr uint16_t kPorts = 3;
// net_pcap's MACs (02:70:63:61:70:0N), so that the pcap cases' frames seed the walk as they are.
inline constexpr uint8_t kPortMac[kPorts][6] = {{0x02, 0x70, 0x63, 0x61, 0x70, 0x00},
                                                 {0x02, 0x70, 0x63, 0x61, 0x70, 0x01},
                                                 {0x02, 0x70, 0x63, 0x61, 0x70, 0x02}};

// The gateway the walk is fuzzed under: every tunnel mode, a `remote any` tunnel bound to a port
// with via routes, one left down, one without DF and a small MTU, IPv4 and IPv6 routes with and
// without neighbours (so that packets are held and punted), addresses on ports and tunnels.
inline const char* const kWalkConfig[] = {
    "addr add 10.65.132.187/24 dev port0",
    "addr add 10.10.100.1/24 dev port1",
    "addr add 2001:db8:1::1/64 dev port1",
    "addr add 192.0.2.1/24 dev port2",
    "addr add 2001:db8:2::1/64 dev port2",
    "link set port1 mtu 1400",
    "ip tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187",
    "ip link set tun1 up",
    "ip a add 10.10.100.10 peer 10.10.200.10 dev tun1",
    "route add 10.10.200.0/24 dev tun1",
    "tunnel add t6 mode sit remote 10.65.132.189 local 10.65.132.187 ttl 64 tos 0x10",
    "link set t6 up",
    "addr add 2001:db8:9::1/64 dev t6",
    "route add 2001:db8:99::/48 dev t6",
    "tunnel add tany mode any remote 10.65.132.190 local 10.65.132.187 tos inherit",
    "link set tany up",
    "route add 10.10.201.0/24 dev tany",
    "route add 2001:db8:98::/48 dev tany",
    "tunnel add nbma mode any remote any local 192.0.2.1 dev port2",
    "link set nbma up",
    "route add 10.20.0.0/16 via 192.0.2.2 dev nbma onlink",
    "route add 10.21.0.0/16 dev nbma",
    "route add 2001:db8:97::/48 via 192.0.2.3 dev nbma onlink",
    "tunnel add tdown mode ipip remote 10.65.132.191 local 10.65.132.187",
    "route add 10.10.202.0/24 dev tdown",
    "tunnel add tfrag mode ipip remote 10.65.132.192 local 10.65.132.187 nopmtudisc",
    "link set tfrag up mtu 600",
    "route add 10.10.203.0/24 dev tfrag",
    "route add 10.10.204.0/24 via 10.65.132.193 dev tun1",
    "route add default via 10.65.132.1 dev port0",
    "route add 198.51.100.0/24 via 10.10.100.3 dev port1",
    "route add 203.0.113.0/24 via 10.10.100.9 dev port1",
    "route add 2001:db8:5::/48 via 2001:db8:1::2 dev port1",
    "route add ::/0 via 2001:db8:2::9 dev port2",
    "neigh add 10.65.132.188 lladdr 52:54:00:41:84:bc dev port0",
    "neigh add 10.65.132.189 lladdr 52:54:00:41:84:bd dev port0",
    "neigh add 10.65.132.190 lladdr 52:54:00:41:84:be dev port0",
    "neigh add 10.65.132.192 lladdr 52:54:00:41:84:c0 dev port0",
    "neigh add 10.10.100.2 lladdr 52:54:00:0a:64:02 dev port1",
    "neigh add 10.10.100.3 lladdr 52:54:00:0a:64:03 dev port1",
    "neigh add 2001:db8:1::2 lladdr 52:54:00:0a:64:12 dev port1",
    "neigh add 192.0.2.2 lladdr 52:54:00:c0:00:02 dev port2",
};

// kWalkConfig without its IPv4 default route, for the targets that change the configuration: a
// /0 in rte_fib's DIR24_8 is 2^24 entries written per copy, and undoing and redoing it after every
// input made them a hundred times slower.
inline std::vector<std::string> ConfigBase() {
  std::vector<std::string> v;
  for (const char* l : kWalkConfig)
    if (std::string_view(l).rfind("route add default", 0) != 0) v.push_back(l);
  return v;
}

// One Gateway over real tables (one set per process: their DPDK objects have fixed names).
class GatewayEnv {
 public:
  explicit GatewayEnv(std::vector<std::string> base) : base_(std::move(base)) { Build(); }

  dp::Tables& tables() { return *tables_; }
  ctl::Gateway& gw() { return *gw_; }
  const std::string& base_text() const { return base_text_; }

  absl::Status Run(absl::string_view line) {
    auto c = ctl::ParseCommand(ctl::Tokenize(line));
    if (!c.ok()) return c.status();
    return gw_->Apply(*c);
  }

  // Back to the base configuration: what an input added is deleted (in reverse order), what it
  // removed or changed is applied again; if the text still differs, everything is rebuilt.
  void Reset() {
    if (Same()) return;
    const std::vector<std::string> base_lines = absl::StrSplit(base_text_, '\n');
    std::vector<std::string> now = absl::StrSplit(gw_->ConfigText(), '\n');
    for (auto it = now.rbegin(); it != now.rend(); ++it) {
      if (std::find(base_lines.begin(), base_lines.end(), *it) != base_lines.end()) continue;
      for (const std::string& undo : Inverse(*it)) (void)Run(undo);
    }
    for (int round = 0; round < 2 && !Same(); ++round)
      for (const std::string& l : base_lines) (void)Run(l);
    if (!Same()) {
      if (std::getenv("GWFUZZ_VERBOSE") != nullptr) {  // (what the undo missed)
        std::vector<std::string> left = absl::StrSplit(gw_->ConfigText(), '\n');
        std::fprintf(stderr, "gwfuzz: rebuilding the gateway; differs from the base in:\n");
        for (const std::string& l : left)
          if (std::find(base_lines.begin(), base_lines.end(), l) == base_lines.end())
            std::fprintf(stderr, "  + %s\n", l.c_str());
        for (const std::string& l : base_lines)
          if (std::find(left.begin(), left.end(), l) == left.end())
            std::fprintf(stderr, "  - %s\n", l.c_str());
      }
      ++rebuilds_;
      Build();
    }
  }
  uint64_t rebuilds() const { return rebuilds_; }

 private:
  // The same configuration as the base: the same lines, in any order (a tunnel deleted and
  // added again comes back with another id, which orders it elsewhere).
  static std::vector<std::string> Sorted(const std::string& text) {
    std::vector<std::string> l = absl::StrSplit(text, '\n');
    std::sort(l.begin(), l.end());
    return l;
  }
  bool Same() const { return Sorted(gw_->ConfigText()) == base_sorted_; }

  void Build() {
    gw_.reset();
    tables_.reset();
    auto t = dp::Tables::Create(FuzzSizes());
    if (!t.ok()) Die(std::string("tables: ") + std::string(t.status().message()));
    tables_ = std::move(*t);
    std::vector<ctl::PortRef> refs;
    for (uint16_t p = 0; p < kPorts; ++p) {
      tables_->ports[p].present = true;
      std::memcpy(tables_->ports[p].mac.addr_bytes, kPortMac[p], 6);
      refs.push_back({p, "port" + std::to_string(p)});
    }
    gw_ = std::make_unique<ctl::Gateway>(*tables_, refs, [this](uint16_t port, uint16_t mtu) {
      tables_->ports[port].mtu.store(mtu);
      return absl::OkStatus();
    });
    for (const std::string& l : base_)
      if (absl::Status s = Run(l); !s.ok()) Die("base config \"" + l + "\": " + s.ToString());
    base_text_ = gw_->ConfigText();
    base_sorted_ = Sorted(base_text_);
  }

  // The commands that undo one line of Gateway::ConfigText (the base lines are applied again
  // afterwards: a tunnel of the base that an input changed is deleted and comes back whole).
  static std::vector<std::string> Inverse(const std::string& line) {
    std::vector<std::string> t = absl::StrSplit(line, ' ', absl::SkipEmpty());
    if (t.size() < 3) return {};
    if (t[0] == "tunnel" && t[1] == "add") return {"tunnel del " + t[2]};
    if (t[0] == "addr" && t[1] == "add") {
      for (size_t i = 3; i + 1 < t.size(); ++i)
        if (t[i] == "dev") return {"addr del " + t[2] + " dev " + t[i + 1]};
      return {};
    }
    if (t[0] == "route" && (t[1] == "add" || t[1] == "replace")) return {"route del " + t[2]};
    if (t[0] == "neigh" && (t[1] == "add" || t[1] == "replace")) {
      for (size_t i = 3; i + 1 < t.size(); ++i)
        if (t[i] == "dev") return {"neigh del " + t[2] + " dev " + t[i + 1]};
      return {};
    }
    if (t[0] == "link" && t[1] == "set") {
      if (t[2].rfind("port", 0) != 0) return {"tunnel del " + t[2]};
      std::vector<std::string> undo;
      for (size_t i = 3; i < t.size(); ++i) {
        if (t[i] == "up") undo.push_back("link set " + t[2] + " down");
        if (t[i] == "down") undo.push_back("link set " + t[2] + " up");
        if (t[i] == "mtu") undo.push_back("link set " + t[2] + " mtu 1500");
      }
      return undo;
    }
    return {};
  }

  std::vector<std::string> base_;
  std::string base_text_;
  std::vector<std::string> base_sorted_;
  std::unique_ptr<dp::Tables> tables_;
  std::unique_ptr<ctl::Gateway> gw_;
  uint64_t rebuilds_ = 0;
};

}  // namespace gw::fuzz
