// Path MTU learning for the tunnels (RFC 1191, RFC 2003 5.1, RFC 4459), on the control thread, as
// Linux learns it for the route to a tunnel's remote (ipip_err -> ipv4_update_pmtu ->
// __ip_rt_update_pmtu) and uses it for the tunnel (ip_tunnel_xmit -> tnl_update_pmtu):
//   - a worker checked that the ICMP fragmentation needed quotes one of our outer packets
//     (tunnel/datapath/icmp_error.h) and handed it over (punt kPmtu): PathMtuMessage;
//   - an MTU above the one known for that remote (the one learned, else the MTU of the port the
//     message came in by: Linux's device MTU of the route), or any MTU while the known one is
//     locked, changes nothing;
//   - an MTU below --tunnel_pmtu_min (Linux's net.ipv4.route.min_pmtu, 552) is raised to it and
//     the path MTU is locked: the outer DF is then clear, so that the underlay fragments what it
//     must (iptunnel_xmit: DF only if !ip_mtu_locked);
//   - the same MTU again refreshes the expiry only once half of it has passed;
//   - a path MTU is kept --tunnel_pmtu_expires_s (net.ipv4.route.mtu_expires, 600 s), then
//     forgotten: ExpirePathMtus, from the control thread's timers.
// What the walk sees (tunnel/datapath/tunnel_table.h): a fixed remote's path MTU lowers the
// tunnel's MTU in its published fields (min(MTU, path MTU - 20)), so encap's limit and the vector
// walk's plan need nothing new; a `remote any` tunnel's go into TunnelTable::PathMtu per remote,
// and its fields carry the lowest and kPmtuSlow, so encap asks only for the packets it matters
// to. Locked, or below 1280 + 20 for an IPv6 inner: kPmtuSlow (encap.h, EncapPathMtu).
#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "control/log.h"
#include "tunnel/control/tunnels.h"

namespace gw::ctl {
namespace {

constexpr uint16_t kOuterHeader = 20;
constexpr uint16_t kIpv6MinMtu = 1280;

std::string Remote(uint32_t remote_be) { return IpAddr::V4(remote_be).ToString(); }

uint16_t Be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }

}  // namespace

void Tunnels::PathMtuFields(const Tunnel& t, dp::TunnelRec* r) const {
  r->pmtu = 0;
  r->pmtu_flags = 0;
  if (t.pmtu.empty()) return;
  bool locked = false;
  uint16_t lowest = 0xffff;
  for (const auto& [remote, p] : t.pmtu) {
    lowest = std::min(lowest, p.mtu);
    locked = locked || p.locked;
  }
  r->pmtu = lowest;
  if (locked) r->pmtu_flags |= dp::TunnelView::kPmtuLocked | dp::TunnelView::kPmtuSlow;
  if (t.remote.is_any()) {
    r->pmtu_flags |= dp::TunnelView::kPmtuSlow;  // per remote: TunnelTable::PathMtu
    return;
  }
  r->mtu = std::min<uint16_t>(r->mtu, static_cast<uint16_t>(lowest - kOuterHeader));
  if ((r->carries & dp::kCarryIpv6) && lowest < kIpv6MinMtu + kOuterHeader)
    r->pmtu_flags |= dp::TunnelView::kPmtuSlow;
}

void Tunnels::ForgetPathMtus(Tunnel& t) {
  // (Only `remote any` ones are in the walk's table; `t` may have just stopped being one.)
  for (const auto& [remote, p] : t.pmtu) t_.tunnels.DeletePathMtu(t.id, remote);
  t.pmtu.clear();
}

void Tunnels::PathMtuMessage(const uint8_t* ip, uint32_t len, uint16_t port_mtu,
                             dp::LcoreCounters& c) {
  // The worker checked all of this; the control side reads it again rather than trust a layout.
  const uint32_t hlen = (ip[0] & 0x0fu) * 4;
  if (len < hlen + 8 + 20 || ip[hlen] != 3 || ip[hlen + 1] != 4) {
    c.CountDrop(dp::Drop::icmp_handled);
    return;
  }
  const uint16_t reported = Be16(ip + hlen + 6);
  const uint8_t* q = ip + hlen + 8;
  uint32_t local_be, remote_be;
  std::memcpy(&local_be, q + 12, 4);
  std::memcpy(&remote_be, q + 16, 4);
  // The tunnel as decap would find it: exact endpoints, else `remote any` on that local address.
  const IpAddr local = IpAddr::V4(local_be);
  auto it = by_key_.find(TunnelKey{4, local, IpAddr::V4(remote_be)});
  if (it == by_key_.end()) it = by_key_.find(TunnelKey{4, local, IpAddr{}});
  if (it == by_key_.end() || !LearnPathMtu(it->second, remote_be, reported, port_mtu)) {
    c.CountDrop(dp::Drop::icmp_handled);
    return;
  }
  c.Count(dp::Event::pmtu_learned);
}

bool Tunnels::LearnPathMtu(const std::string& name, uint32_t remote_be, uint16_t reported,
                           uint16_t port_mtu) {
  auto tit = tunnels_.find(name);
  if (tit == tunnels_.end()) return false;
  Tunnel& t = tit->second;
  if (!t.remote.is_any() && t.remote.v4_be() != remote_be) return false;
  const Clock::time_point now = now_();
  const auto expires = std::chrono::seconds(pmtu_opts_.expires_s);
  auto it = t.pmtu.find(remote_be);
  const bool have = it != t.pmtu.end() && now < it->second.expires;
  if (have && it->second.locked) return false;  // Linux: ip_mtu_locked
  const uint16_t old = have ? it->second.mtu : port_mtu;
  if (reported > old) return false;
  uint16_t mtu = reported;
  bool locked = false;
  if (mtu < pmtu_opts_.min) {
    locked = true;
    mtu = std::min(old, pmtu_opts_.min);
  }
  if (have && it->second.mtu == mtu && !locked && now < it->second.expires - expires / 2)
    return false;
  if (t.remote.is_any()) {
    // The walk's entry first: the record that sends packets to look for it comes after.
    if (!t_.tunnels.SetPathMtu(t.id, remote_be, mtu, locked).ok()) {
      LogEvent(RTE_LOG_WARNING, "pmtu_table_full",
               {{"tunnel", t.name}, {"remote", Remote(remote_be)}, {"mtu", absl::StrCat(mtu)}});
      return false;
    }
  }
  t.pmtu[remote_be] = PathMtu{mtu, locked, now + expires};
  Publish(t);
  next_expiry_ = std::min(next_expiry_, now + expires);
  LogEvent(RTE_LOG_INFO, "pmtu_learned",
           {{"tunnel", t.name},
            {"remote", Remote(remote_be)},
            {"mtu", absl::StrCat(mtu)},
            {"locked", locked ? "yes" : "no"},
            {"expires_s", absl::StrCat(pmtu_opts_.expires_s)}});
  return true;
}

void Tunnels::ExpirePathMtus(dp::LcoreCounters& c) {
  const Clock::time_point now = now_();
  if (now < next_expiry_) return;
  next_expiry_ = Clock::time_point::max();
  for (auto& [name, t] : tunnels_) {
    if (t.pmtu.empty()) continue;
    std::vector<uint32_t> gone;
    for (const auto& [remote, p] : t.pmtu) {
      if (now >= p.expires) {
        gone.push_back(remote);
      } else {
        next_expiry_ = std::min(next_expiry_, p.expires);
      }
    }
    if (gone.empty()) continue;
    std::sort(gone.begin(), gone.end());
    for (uint32_t remote : gone) t.pmtu.erase(remote);
    // The record without them first, then (remote any) the walk's entries.
    Publish(t);
    for (uint32_t remote : gone) {
      if (t.remote.is_any()) t_.tunnels.DeletePathMtu(t.id, remote);
      c.Count(dp::Event::pmtu_expired);
      LogEvent(RTE_LOG_INFO, "pmtu_expired", {{"tunnel", t.name}, {"remote", Remote(remote)}});
    }
  }
}

void Tunnels::ShowPathMtu(const Tunnel& t, std::string* inline_text, std::string* lines,
                          Json* json) const {
  std::vector<uint32_t> remotes;
  for (const auto& [remote, p] : t.pmtu) remotes.push_back(remote);
  std::sort(remotes.begin(), remotes.end(), [](uint32_t a, uint32_t b) {
    return IpAddr::V4(a).v4_host() < IpAddr::V4(b).v4_host();
  });
  const Clock::time_point now = now_();
  Json& j = *json;
  j.Key("pmtu").BeginArray();
  for (uint32_t remote : remotes) {
    const PathMtu& p = t.pmtu.at(remote);
    const auto left = std::chrono::ceil<std::chrono::seconds>(p.expires - now).count();
    const uint64_t expires_s = left > 0 ? static_cast<uint64_t>(left) : 0;
    j.BeginObject().Key("remote").String(Remote(remote)).Key("mtu").Uint(p.mtu);
    j.Key("locked").Bool(p.locked).Key("expires_s").Uint(expires_s).EndObject();
    // As `ip route get` prints a route's cached path MTU: "expires 598sec mtu 1400" ("mtu lock").
    const std::string what =
        absl::StrCat(" pmtu ", p.locked ? "lock " : "", p.mtu, " expires ", expires_s, "sec");
    if (t.remote.is_any()) {
      absl::StrAppend(lines, "    remote ", Remote(remote), what, "\n");
    } else {
      absl::StrAppend(inline_text, what);
    }
  }
  j.EndArray();
}

}  // namespace gw::ctl
