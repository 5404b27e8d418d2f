// The routes as configured (the RIB) and the FIB the workers read, derived from them: a prefix
// that is the host prefix of one of the gateway's addresses routes to kNhLocal (Linux's local
// table wins), otherwise to its RIB route's next hop, otherwise nowhere.
//   route add|replace|del (Add, Del) are applied here; addresses (addresses.h) add and remove
//   their host prefixes and connected routes through the same FIB path (ApplyFib), which changes
//   the tables all or nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "control/command.h"
#include "control/interfaces.h"
#include "control/net.h"
#include "control/nexthops.h"
#include "dataplane/tables/tables.h"

namespace gw::ctl {

class Addresses;

class Rib {
 public:
  struct Route {
    dp::NextHop nh;
    uint32_t nh_id;
    bool kernel;  // made by `addr add` (a connected or peer route)
    bool onlink = false;
  };
  // One FIB change: `prefix` from next-hop id `prev` to `nh` (0: none, kNhLocal: local).
  struct FibOp {
    IpPrefix prefix;
    uint32_t nh;
    uint32_t prev;
  };
  struct View {
    IpPrefix prefix;
    std::string dev;
    std::optional<IpAddr> via;
    bool kernel;  // made by `addr add`
    // Given `onlink`, or its gateway is on no connected network of the port any more (the
    // address or its route went away after the route was added): either way an on-link route.
    bool onlink;
    bool onlink_given = false;  // `onlink` was in the command (what `onlink` above derives from)
  };

  Rib(dp::Tables& t, const Interfaces& ifs, Addresses& addrs)
      : t_(t), ifs_(ifs), addrs_(addrs), nexthops_(t) {}

  absl::Status Add(const Command& c, bool replace);  // route add / route replace
  absl::Status Del(const Command& c);                // route del

  // For the objects that make routes of their own (addresses, an interface going away).
  NextHops& nexthops() { return nexthops_; }
  // What the FIB should hold for `p` given the RIB and the local addresses.
  uint32_t Desired(const IpPrefix& p) const;
  bool IsLocalHost(const IpPrefix& p) const { return local_hosts_.contains(p); }
  // Addresses whose host prefix is `p` (0: none).
  uint32_t LocalHostCount(const IpPrefix& p) const;
  void AddLocalHost(const IpPrefix& p) { ++local_hosts_[p]; }
  void RemoveLocalHost(const IpPrefix& p);
  const Route* Find(const IpPrefix& p) const;
  bool Contains(const IpPrefix& p) const { return rib_.contains(p); }
  // RIB bookkeeping after the caller's ApplyFib put the change in the FIB.
  void Insert(const IpPrefix& p, const Route& r) { rib_.emplace(p, r); }
  // The route at `p` leaves the RIB; its next-hop reference is released.
  void Erase(const IpPrefix& p);
  // Every prefix routed through `dev`.
  std::vector<IpPrefix> RoutesThrough(const IfRef& dev) const;
  // All-or-nothing push of FIB changes (of any family mix) into the dataplane.
  absl::Status ApplyFib(const std::vector<FibOp>& ops);

  size_t size() const { return rib_.size(); }
  std::vector<View> Views() const;  // IPv4 first, then by prefix

 private:
  dp::Tables& t_;
  const Interfaces& ifs_;
  Addresses& addrs_;
  NextHops nexthops_;
  absl::flat_hash_map<IpPrefix, Route> rib_;
  absl::flat_hash_map<IpPrefix, uint32_t> local_hosts_;  // host prefix -> number of addresses
};

// IPv4 before IPv6, then by address, then by length: the order `show` lists prefixes in.
bool PrefixLess(const IpPrefix& a, const IpPrefix& b);

}  // namespace gw::ctl
