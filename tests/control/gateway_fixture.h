// A Gateway over real, small dataplane tables, and ways to look at what it put in them: the
// route tables as a worker reads them (rte_fib lookups → next-hop id → record), the tunnel
// records, the peer and neighbour hashes. Tables::Create names its DPDK objects with fixed names,
// so exactly one set exists at a time: each test creates its own and destroys it.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "control/command.h"
#include "control/gateway.h"
#include "dataplane/tables/tables.h"

namespace gw::testing {

// Addresses written independently of control/net (libc's inet_pton).
inline uint32_t Be4(const char* s) {
  in_addr a{};
  if (inet_pton(AF_INET, s, &a) != 1) ADD_FAILURE() << "bad test address " << s;
  return a.s_addr;
}
inline uint32_t Host4(const char* s) { return ntohl(Be4(s)); }
inline std::array<uint8_t, 16> V6(const char* s) {
  std::array<uint8_t, 16> b{};
  if (inet_pton(AF_INET6, s, b.data()) != 1) ADD_FAILURE() << "bad test address " << s;
  return b;
}
inline uint64_t MacWord(std::array<uint8_t, 6> m) {
  uint64_t v = 0;
  std::memcpy(&v, m.data(), 6);
  return v;
}

inline dp::TableSizes SmallSizes() {
  dp::TableSizes s;
  s.tunnels = 1024;
  s.routes = 1024;
  s.routes6 = 1024;
  s.tbl8s = 256;
  s.tbl8s6 = 256;
  s.nexthops = 1024;
  s.neighbours = 1024;
  return s;
}

inline constexpr std::array<uint8_t, 6> kPort0Mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0xa0};
inline constexpr std::array<uint8_t, 6> kPort1Mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0xa1};

struct MtuCall {
  uint16_t port;
  uint16_t mtu;
  friend bool operator==(const MtuCall&, const MtuCall&) = default;
};

class GatewayFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    auto t = dp::Tables::Create(SmallSizes());
    ASSERT_TRUE(t.ok()) << t.status();
    tables_ = std::move(*t);
    for (uint16_t p : {0, 1}) {
      tables_->ports[p].present = true;
      std::memcpy(tables_->ports[p].mac.addr_bytes, (p == 0 ? kPort0Mac : kPort1Mac).data(), 6);
    }
    gw_ = std::make_unique<ctl::Gateway>(
        *tables_, std::vector<ctl::PortRef>{{0, "port0"}, {1, "port1"}},
        [this](uint16_t port, uint16_t mtu) -> absl::Status {
          mtu_calls_.push_back({port, mtu});
          if (!mtu_result_.ok()) return mtu_result_;
          tables_->ports[port].mtu.store(mtu);  // as Dataplane::SetPortMtu does
          return absl::OkStatus();
        });
  }

  void TearDown() override {
    gw_.reset();
    tables_.reset();
  }

  // One command line through the parser and Apply, as the config file and socket do.
  absl::Status Run(absl::string_view line) {
    auto c = ctl::ParseCommand(ctl::Tokenize(line));
    if (!c.ok()) return c.status();
    return gw_->Apply(*c);
  }

  ::testing::AssertionResult Config(std::initializer_list<const char*> lines) {
    for (const char* l : lines) {
      absl::Status s = Run(l);
      if (!s.ok()) return ::testing::AssertionFailure() << "\"" << l << "\": " << s;
    }
    return ::testing::AssertionSuccess();
  }

  // The seed article's node 1 (conf/gateway.conf), the configuration most tests start from.
  ::testing::AssertionResult SeedConfig() {
    return Config({
        "ip tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187",
        "ip link set tun1 up",
        "ip a add 10.10.100.10 peer 10.10.200.10 dev tun1",
        "addr add 10.65.132.187/24 dev port0",
        "addr add 10.10.100.1/24 dev port1",
        "route add 10.10.200.0/24 dev tun1",
        "neigh add 10.65.132.188 lladdr 52:54:00:41:84:bc dev port0",
        "neigh add 10.10.100.2 lladdr 52:54:00:0a:64:02 dev port1",
    });
  }

  uint32_t NhId4(const char* addr) const {
    uint32_t ip = Host4(addr);
    uint64_t nh = 0xdeadbeef;
    rte_fib_lookup_bulk(tables_->route4.Reader(), &ip, &nh, 1);
    return static_cast<uint32_t>(nh);
  }
  uint32_t NhId6(const char* addr) const {
    uint8_t ip[1][16];
    const auto b = V6(addr);
    std::memcpy(ip[0], b.data(), 16);
    uint64_t nh = 0xdeadbeef;
    rte_fib6_lookup_bulk(tables_->route6.Reader(), ip, &nh, 1);
    return static_cast<uint32_t>(nh);
  }
  dp::NextHop Nh4(const char* addr) const { return tables_->nexthops.Get(NhId4(addr)); }
  dp::NextHop Nh6(const char* addr) const { return tables_->nexthops.Get(NhId6(addr)); }

  std::optional<uint64_t> Peer(uint32_t remote_be, uint32_t local_be) const {
    // The walk's lines and the authoritative hash must agree.
    dp::PeerKey k{remote_be, local_be};
    uint64_t v = 0;
    const bool in_hash = tables_->peers.hash().Lookup(&k, &v);
    uint32_t id = 0;
    const bool in_lines = tables_->peers.Lookup(dp::PeerTable::Key(k), &id);
    EXPECT_EQ(in_lines, in_hash);
    if (!in_hash) return std::nullopt;
    EXPECT_EQ(id, v);
    return v;
  }
  std::optional<uint64_t> Neigh4(uint16_t port, const char* addr) const {
    dp::NeighKey k{};
    const uint32_t be = Be4(addr);
    std::memcpy(k.addr.data(), &be, 4);
    k.port = port;
    k.family = 4;
    uint64_t v;
    if (!tables_->neighbours.Lookup(&k, &v)) return std::nullopt;
    return v;
  }
  std::optional<uint64_t> Neigh6(uint16_t port, const char* addr) const {
    dp::NeighKey k{};
    k.addr = V6(addr);
    k.port = port;
    k.family = 6;
    uint64_t v;
    if (!tables_->neighbours.Lookup(&k, &v)) return std::nullopt;
    return v;
  }
  const ctl::Gateway::Tunnel* GwTunnel(const std::string& name) const {
    auto it = gw_->tunnels().find(name);
    return it == gw_->tunnels().end() ? nullptr : &it->second;
  }

  // Everything a worker could observe, and the Gateway's own view, as text: a failed command
  // must leave it identical. With `ids` false, tunnels are named instead of numbered and next-hop
  // ids are left out, so that two gateways built in a different order compare equal.
  std::string Snapshot(bool ids = true) const {
    static const char* const kV4[] = {
        "10.65.132.187", "10.65.132.188", "10.65.132.1",  "10.65.132.200", "10.10.100.10",
        "10.10.200.10",  "10.10.200.77",  "10.10.100.1",  "10.10.100.2",   "10.10.100.200",
        "192.0.2.1",     "192.0.2.2",     "192.0.2.7",    "192.0.2.200",   "198.51.100.1",
        "198.51.100.2",  "198.51.100.99", "203.0.113.1",  "10.20.1.5",     "10.30.0.1",
        "10.1.2.3",      "8.8.8.8",       "0.0.0.1",      "255.255.255.254"};
    static const char* const kV6[] = {"2001:db8:1::1", "2001:db8:1::2",  "2001:db8:1::99",
                                      "2001:db8:99::1", "2001:db8::1",   "2001:db8:5::1",
                                      "::1",            "2001:db9::1"};
    static const char* const kPeers[] = {"10.65.132.188", "10.65.132.189", "10.65.132.199",
                                         "10.65.132.201", "192.0.2.2",     "192.0.2.3",
                                         "192.0.2.9"};
    static const char* const kLocals[] = {"10.65.132.187", "192.0.2.1", "10.65.132.190"};
    auto tunnel_name = [this](uint64_t id) -> std::string {
      for (const auto& [name, t] : gw_->tunnels())
        if (t.id == id) return name;
      return absl::StrCat("#", id, "?");
    };
    auto tun = [&](uint64_t id) { return ids ? absl::StrCat(id) : tunnel_name(id); };
    std::string s;
    auto nh_text = [&](uint32_t id, const dp::NextHop& n) {
      std::string t = ids ? absl::StrCat("id ", id, " ") : std::string();
      absl::StrAppend(&t, absl::StrFormat("kind %d fam %d port %d tun %s gw4 %08x gw6 ",
                                          static_cast<int>(n.kind), n.gw_family, n.port,
                                          n.kind == dp::NhKind::kTunnel ? tun(n.tunnel) : "-",
                                          n.gw4_be));
      for (uint8_t b : n.gw6) absl::StrAppend(&t, absl::Hex(b, absl::kZeroPad2));
      return t;
    };
    for (const char* a : kV4) {
      const uint32_t id = NhId4(a);
      absl::StrAppend(&s, "route4 ", a, " -> ", nh_text(id, tables_->nexthops.Get(id)), "\n");
    }
    for (const char* a : kV6) {
      const uint32_t id = NhId6(a);
      absl::StrAppend(&s, "route6 ", a, " -> ", nh_text(id, tables_->nexthops.Get(id)), "\n");
    }
    std::vector<std::string> recs;
    for (uint32_t id = 0; id < 8; ++id) {
      const dp::TunnelRec* r = tables_->tunnels.Get(id);
      if (r == nullptr) continue;
      std::string l = absl::StrCat("tunnel ", tun(id), ": tmpl ");
      const auto* b = reinterpret_cast<const uint8_t*>(&r->tmpl);
      for (size_t i = 0; i < sizeof(r->tmpl); ++i) absl::StrAppend(&l, absl::Hex(b[i], absl::kZeroPad2));
      absl::StrAppend(&l, absl::StrFormat(
                              " sum %u id %s mtu %u bound %u carries %u ttl %u tosinh %d pmtu %d "
                              "up %d any %d\n",
                              r->tmpl_sum, tun(r->id), r->mtu, r->bound_port, r->carries, r->ttl,
                              r->tos_inherit, r->pmtudisc, r->up, r->remote_any));
      recs.push_back(l);
    }
    std::sort(recs.begin(), recs.end());
    for (const auto& l : recs) s += l;
    for (const char* r : kPeers)
      for (const char* l : kLocals) {
        auto v = Peer(Be4(r), Be4(l));
        absl::StrAppend(&s, "peer ", r, ",", l, " -> ", v ? tun(*v) : "none", "\n");
      }
    for (const char* l : kLocals) {
      auto v = Peer(0, Be4(l));
      absl::StrAppend(&s, "peer any,", l, " -> ", v ? tun(*v) : "none", "\n");
    }
    for (uint16_t p : {0, 1}) {
      for (const char* a : kV4) {
        auto v = Neigh4(p, a);
        if (v) absl::StrAppend(&s, "neigh ", p, " ", a, " -> ", absl::Hex(*v), "\n");
      }
      for (const char* a : kV6) {
        auto v = Neigh6(p, a);
        if (v) absl::StrAppend(&s, "neigh ", p, " ", a, " -> ", absl::Hex(*v), "\n");
      }
      absl::StrAppend(&s, "port ", p, " up ", static_cast<int>(tables_->ports[p].up.load()),
                      " mtu ", tables_->ports[p].mtu.load(), "\n");
    }
    std::vector<std::string> tuns;
    for (const auto& [name, t] : gw_->tunnels())
      tuns.push_back(absl::StrCat("gw tunnel ", name, " id ", ids ? absl::StrCat(t.id) : "-",
                                  " mode ", ctl::TunnelModeName(t.mode), " local ",
                                  t.local.ToString(), " remote ", t.remote.ToString(), " ttl ",
                                  t.ttl, " tos ", t.tos, " pmtu ", static_cast<int>(t.pmtudisc),
                                  " dev ", t.dev ? *t.dev : -1, " mtu ", t.mtu, " up ",
                                  static_cast<int>(t.up), "\n"));
    std::sort(tuns.begin(), tuns.end());
    for (const auto& l : tuns) s += l;
    absl::StrAppend(&s, "rib routes ", gw_->route_count(), "\n");
    return s;
  }

  std::unique_ptr<dp::Tables> tables_;
  std::unique_ptr<ctl::Gateway> gw_;
  std::vector<MtuCall> mtu_calls_;
  absl::Status mtu_result_ = absl::OkStatus();
};

// A command that must fail with `code` and exactly `message`, leaving every table and the
// Gateway's own state as they were.
#define EXPECT_REFUSED(line_, code_, message_)                        \
  do {                                                                \
    const std::string before_ = Snapshot();                           \
    const absl::Status s_ = Run(line_);                               \
    EXPECT_EQ(s_.code(), (code_)) << (line_) << ": " << s_;           \
    EXPECT_EQ(s_.message(), (message_)) << (line_);                   \
    EXPECT_EQ(Snapshot(), before_) << (line_) << " changed state";    \
  } while (0)

}  // namespace gw::testing
