// control/config_diff: the commands that turn one configuration into another, on models alone:
// each kind of object added, changed and removed, the order of the phases, the tunnels that have
// to be deleted and added again, the addresses that have to be added again to keep their order.
// Every diff is also replayed on the first model and must give the second (DiffConfigs checks it
// too; the tests check the outcome, not the check).
#include "control/config_diff.h"

#include <gtest/gtest.h>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace gw::testing {
namespace {

using ctl::ConfigDiff;
using ctl::ConfigModel;

ConfigModel Model(absl::string_view text) {
  ConfigModel m;
  m.ports.push_back({"port0", 1500, 1500, true, 0});
  m.ports.push_back({"port1", 1500, 1500, true, 0});
  size_t no = 0;
  for (absl::string_view l : absl::StrSplit(text, '\n')) {
    ++no;
    auto t = ctl::Tokenize(l);
    if (t.empty()) continue;
    auto c = ctl::ParseCommand(t);
    EXPECT_TRUE(c.ok()) << l << ": " << c.status();
    if (!c.ok()) continue;
    absl::Status s = m.Apply(*c, no);
    EXPECT_TRUE(s.ok()) << l << ": " << s;
  }
  return m;
}

// The diff's commands, one per line, each followed by "  # LINE" when it names a line.
std::string Commands(const ConfigDiff& d) {
  std::string s;
  for (const auto& c : d.commands)
    absl::StrAppend(&s, c.text, c.line != 0 ? absl::StrCat("  # ", c.line) : "", "\n");
  return s;
}

// A diff from `a` to `b`, checked by replaying it on `a`.
ConfigDiff Diff(absl::string_view a, absl::string_view b) {
  const ConfigModel from = Model(a), to = Model(b);
  absl::StatusOr<ConfigDiff> d = ctl::DiffConfigs(from, to);
  EXPECT_TRUE(d.ok()) << d.status();
  if (!d.ok()) return {};
  ConfigModel replay = from;
  for (const auto& c : d->commands) {
    absl::Status s = replay.Apply(c.command);
    EXPECT_TRUE(s.ok()) << c.text << ": " << s;
  }
  EXPECT_EQ(replay.Canonical(), to.Canonical()) << Commands(*d);
  return *std::move(d);
}

constexpr const char* kBase = R"(tunnel add tun1 mode ipip remote 10.65.132.188 local 10.65.132.187
link set tun1 up
addr add 10.10.100.10 peer 10.10.200.10 dev tun1
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
route add 10.10.200.0/24 dev tun1
neigh add 10.65.132.188 lladdr 52:54:00:41:84:bc dev port0
neigh add 10.10.100.2 lladdr 52:54:00:0a:64:02 dev port1
)";

TEST(ConfigDiff, SameConfigurationIsNoCommands) {
  const ConfigDiff d = Diff(kBase, absl::StrCat("# the same, in other words\n", kBase));
  EXPECT_EQ(Commands(d), "");
  EXPECT_EQ(d.added + d.changed + d.removed, 0u);
}

TEST(ConfigDiff, EachKindAdded) {
  const ConfigDiff d = Diff(kBase, absl::StrCat(kBase, R"(link set port1 mtu 9000
tunnel add tun2 remote 10.65.132.189 local 10.65.132.187 dev port1
link set tun2 up
addr add 192.0.2.1/24 dev port1
route add 10.20.0.0/16 via 10.65.132.1
neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0
)"));
  EXPECT_EQ(Commands(d),
            "link set port1 mtu 9000  # 9\n"
            "tunnel add tun2 mode ipip remote 10.65.132.189 local 10.65.132.187 ttl inherit tos 0x00 "
            "dev port1 pmtudisc  # 10\n"
            "link set tun2 up  # 11\n"
            "addr add 192.0.2.1/24 dev port1  # 12\n"
            "route add 10.20.0.0/16 via 10.65.132.1 dev port0  # 13\n"
            "neigh add 10.65.132.1 lladdr 52:54:00:00:00:01 dev port0  # 14\n");
  EXPECT_EQ(d.added, 4u);
  EXPECT_EQ(d.changed, 2u);
  EXPECT_EQ(d.removed, 0u);
}

TEST(ConfigDiff, EachKindRemovedDeletionsFirstNothingTwice) {
  const ConfigDiff d = Diff(absl::StrCat(kBase, R"(tunnel add tun2 remote 10.65.132.189 local 10.65.132.187
addr add 192.0.2.1/24 dev tun2
route add 10.20.0.0/16 dev tun2
route add 10.30.0.0/16 via 10.65.132.1 dev port0
link set port0 down
)"),
                            R"(addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
neigh add 10.10.100.2 lladdr 52:54:00:0a:64:02 dev port1
)");
  // tun2's address and routes go with it; so do tun1's; the connected routes with the addresses.
  EXPECT_EQ(Commands(d),
            "neigh del 10.65.132.188 dev port0\n"
            "tunnel del tun1\n"
            "tunnel del tun2\n"
            "route del 10.30.0.0/16\n"
            "link set port0 up\n");
  EXPECT_EQ(d.removed, 4u);
  EXPECT_EQ(d.changed, 1u);
}

TEST(ConfigDiff, EachKindChanged) {
  const ConfigDiff d = Diff(kBase, R"(tunnel add tun1 mode any remote 10.65.132.199 local 10.65.132.187 ttl 64
link set tun1 up mtu 1400
addr add 10.10.100.10 peer 10.10.200.10 dev tun1
addr add 10.65.132.187/24 dev port0
addr add 10.10.100.1/24 dev port1
route add 10.10.200.0/24 via 10.65.132.1 dev port0
neigh add 10.65.132.188 lladdr 52:54:00:41:84:bd dev port0
neigh add 10.10.100.2 lladdr 52:54:00:0a:64:02 dev port1
)");
  EXPECT_EQ(Commands(d),
            "tunnel change tun1 mode any remote 10.65.132.199 ttl 64  # 1\n"
            "link set tun1 mtu 1400  # 2\n"
            "route replace 10.10.200.0/24 via 10.65.132.1 dev port0  # 6\n"
            "neigh replace 10.65.132.188 lladdr 52:54:00:41:84:bd dev port0  # 7\n");
  EXPECT_EQ(d.changed, 4u);
}

TEST(ConfigDiff, ATunnelThatCannotBeChangedIsDeletedAndAddedWithWhatDependsOnIt) {
  // `dev` cannot be removed by `tunnel change`.
  ConfigDiff d = Diff("tunnel add t local 10.0.0.1 dev port0\nlink set t up\naddr add 10.1.1.1/24 dev t\n"
                      "addr add 192.0.2.1/24 dev port1\nroute add 10.2.0.0/16 dev t\n",
                      "tunnel add t local 10.0.0.1\nlink set t up\naddr add 10.1.1.1/24 dev t\n"
                      "addr add 192.0.2.1/24 dev port1\nroute add 10.2.0.0/16 dev t\n");
  EXPECT_EQ(Commands(d),
            "tunnel del t  # 1\n"
            "addr del 192.0.2.1/24 dev port1  # 4\n"
            "tunnel add t mode ipip remote any local 10.0.0.1 ttl inherit tos 0x00 pmtudisc  # 1\n"
            "link set t up  # 2\n"
            "addr add 10.1.1.1/24 dev t  # 3\n"
            "addr add 192.0.2.1/24 dev port1  # 4\n"
            "route add 10.2.0.0/16 dev t  # 5\n");
  // An MTU that was set goes back to the derived one only through `tunnel add`.
  d = Diff("tunnel add t local 10.0.0.1\nlink set t mtu 1400\n", "tunnel add t local 10.0.0.1\n");
  EXPECT_EQ(Commands(d),
            "tunnel del t  # 1\n"
            "tunnel add t mode ipip remote any local 10.0.0.1 ttl inherit tos 0x00 pmtudisc  # 1\n");
  // Set to its own default value, it is still a set MTU (config show keeps it).
  d = Diff("tunnel add t local 10.0.0.1\n", "tunnel add t local 10.0.0.1\nlink set t mtu 1480\n");
  EXPECT_EQ(Commands(d), "link set t mtu 1480  # 2\n");
}

TEST(ConfigDiff, PortMtusComeBeforeTunnelsThatDeriveTheirs) {
  // In the file the tunnel was added while port1 had 1500; now it has 9000: its MTU (1480) is
  // pinned by config show, so a gateway loading the file and one reloading reach the same.
  ConfigDiff d = Diff("", "tunnel add t local 10.0.0.1 dev port1\nlink set port1 mtu 9000\n");
  EXPECT_EQ(Commands(d),
            "link set port1 mtu 9000  # 2\n"
            "tunnel add t mode ipip remote any local 10.0.0.1 ttl inherit tos 0x00 dev port1 pmtudisc  # 1\n"
            "link set t mtu 1480  # 1\n");
  // A derived MTU that is stale (the port changed after the tunnel) follows the port again.
  d = Diff("tunnel add t local 10.0.0.1 dev port1\nlink set port1 mtu 9000\n",
           "link set port1 mtu 9000\ntunnel add t local 10.0.0.1 dev port1\n");
  EXPECT_EQ(Commands(d), "tunnel change t dev port1  # 2\n");
}

TEST(ConfigDiff, TunnelsThatSwapEndpointsAreOrderedOrRecreated) {
  // b moves to c's endpoints once c has moved off them.
  ConfigDiff d = Diff("tunnel add b remote 10.0.0.2 local 10.0.0.1\ntunnel add c remote 10.0.0.3 local 10.0.0.1\n",
                      "tunnel add b remote 10.0.0.3 local 10.0.0.1\ntunnel add c remote 10.0.0.4 local 10.0.0.1\n");
  EXPECT_EQ(Commands(d),
            "tunnel change c remote 10.0.0.4  # 2\n"
            "tunnel change b remote 10.0.0.3  # 1\n");
  // A swap has no such order: one of them is deleted and added again.
  d = Diff("tunnel add b remote 10.0.0.2 local 10.0.0.1\ntunnel add c remote 10.0.0.3 local 10.0.0.1\n",
           "tunnel add b remote 10.0.0.3 local 10.0.0.1\ntunnel add c remote 10.0.0.2 local 10.0.0.1\n");
  EXPECT_EQ(Commands(d),
            "tunnel del b  # 1\n"
            "tunnel change c remote 10.0.0.2  # 2\n"
            "tunnel add b mode ipip remote 10.0.0.3 local 10.0.0.1 ttl inherit tos 0x00 pmtudisc  # 1\n");
}

TEST(ConfigDiff, AddressesKeepTheFilesOrder) {
  // Addresses are appended: to put 192.0.2.3 before 192.0.2.2, 192.0.2.2 is added again after it.
  const ConfigDiff d = Diff(
      "addr add 192.0.2.1/24 dev port0\naddr add 192.0.2.2/24 dev port0\naddr add 198.51.100.1/24 dev port1\n",
      "addr add 192.0.2.1/24 dev port0\naddr add 192.0.2.3/24 dev port0\naddr add 192.0.2.2/24 dev port0\n"
      "addr add 198.51.100.1/24 dev port1\n");
  EXPECT_EQ(Commands(d),
            "addr del 192.0.2.2/24 dev port0  # 3\n"
            "addr del 198.51.100.1/24 dev port1  # 4\n"
            "addr add 192.0.2.3/24 dev port0  # 2\n"
            "addr add 192.0.2.2/24 dev port0  # 3\n"
            "addr add 198.51.100.1/24 dev port1  # 4\n");
}

TEST(ConfigDiff, ConnectedRoutesAsTheFileLeavesThem) {
  // The file deleted 192.0.2.0/24 after the address made it; and replaced 198.51.100.0/24.
  ConfigDiff d = Diff("",
                      "addr add 192.0.2.1/24 dev port0\nroute del 192.0.2.0/24\n"
                      "addr add 198.51.100.1/24 dev port1\nroute replace 198.51.100.0/24 via 192.0.2.254 dev port0 onlink\n");
  EXPECT_EQ(Commands(d),
            "addr add 192.0.2.1/24 dev port0  # 1\n"
            "route del 192.0.2.0/24  # 2\n"
            "addr add 198.51.100.1/24 dev port1  # 3\n"
            "route replace 198.51.100.0/24 via 192.0.2.254 dev port0 onlink  # 4\n");
  // The address stays; its connected route comes back: only an `addr add` makes a connected route.
  d = Diff("addr add 192.0.2.1/24 dev port0\nroute del 192.0.2.0/24\naddr add 10.1.1.1/24 dev port1\n",
           "addr add 192.0.2.1/24 dev port0\naddr add 10.1.1.1/24 dev port1\n");
  EXPECT_EQ(Commands(d),
            "addr del 192.0.2.1/24 dev port0  # 1\n"
            "addr del 10.1.1.1/24 dev port1  # 2\n"
            "addr add 192.0.2.1/24 dev port0  # 1\n"
            "addr add 10.1.1.1/24 dev port1  # 2\n");
  // A static route where the file's address makes a connected one: deleted first.
  d = Diff("route add 192.0.2.0/24 dev port1\n", "addr add 192.0.2.1/24 dev port0\n");
  EXPECT_EQ(Commands(d),
            "route del 192.0.2.0/24  # 1\n"
            "addr add 192.0.2.1/24 dev port0  # 1\n");
}

TEST(ConfigDiff, OnlinkWhereRouteShowPrintsIt) {
  // In the file the gateway's network went away after the route was added: it is on-link now.
  const ConfigDiff d = Diff("", "addr add 192.0.2.1/24 dev port0\nroute add 10.2.0.0/16 via 192.0.2.254 dev port0\n"
                                "addr del 192.0.2.1 dev port0\n");
  EXPECT_EQ(Commands(d), "route add 10.2.0.0/16 via 192.0.2.254 dev port0 onlink  # 2\n");
}

TEST(ConfigDiff, BackAndForth) {
  // What a rollback does: the diff from the new configuration back to the old.
  const char* rich = R"(link set port1 mtu 9000
tunnel add ta mode ipip remote 10.0.0.2 local 10.0.0.1
tunnel add tb mode sit remote 10.0.0.3 local 10.0.0.1 ttl 64 tos 10 dev port1
tunnel add tc mode any remote any local 10.0.0.4 tos inherit nopmtudisc dev port0
link set ta up
link set tb up mtu 1400
addr add 192.0.2.1/24 dev port0
addr add 192.0.2.2/24 dev port0
addr add 10.1.1.1 peer 10.1.2.1 dev ta
addr add 2001:db8:1::1/64 dev port1
addr add 172.31.0.1/24 dev port1
route del 172.31.0.0/24
route replace 192.0.2.0/24 via 192.0.2.254 dev port0 onlink
route add 198.51.100.0/24 via 192.0.2.254 dev port0
route add 10.244.5.0/24 via 10.65.132.190 dev tc onlink
route add 2001:db8:4::/64 via 10.0.0.7 dev tc
route add ::/0 via 2001:db8:1::fe dev port1
neigh add 192.0.2.254 lladdr 52:54:00:00:00:fe dev port0
link set port0 down
)";
  Diff(kBase, rich);
  Diff(rich, kBase);
  Diff("", rich);
  Diff(rich, "");
}

}  // namespace
}  // namespace gw::testing
