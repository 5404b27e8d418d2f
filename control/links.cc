#include "control/links.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "control/net.h"

namespace gw::ctl {

Links::Links(dp::Tables& t, const Interfaces& ifs, SetMtuFn set_mtu)
    : t_(t), ifs_(ifs), set_mtu_(std::move(set_mtu)) {
  for (const PortRef& p : ifs_.ports()) initial_mtu_[p.id] = t_.ports[p.id].mtu.load();
}

absl::Status Links::Set(uint16_t port, const Command& c) {
  if (c.mtu) {
    if (absl::Status s = set_mtu_(port, static_cast<uint16_t>(*c.mtu)); !s.ok()) return s;
  }
  if (c.up) t_.ports[port].up.store(*c.up, std::memory_order_relaxed);
  return absl::OkStatus();
}

std::vector<Links::View> Links::Views() const {
  std::vector<View> v;
  for (const PortRef& p : ifs_.ports()) {
    const dp::PortState& ps = t_.ports[p.id];
    std::array<uint8_t, 6> mac;
    std::copy(std::begin(ps.mac.addr_bytes), std::end(ps.mac.addr_bytes), mac.begin());
    v.push_back({p.name, false, MacToString(mac), ps.mtu.load(), ps.up.load(), initial_mtu_.at(p.id)});
  }
  return v;
}

void Links::AppendConfig(std::string* out) const {
  for (const PortRef& p : ifs_.ports()) {
    const dp::PortState& ps = t_.ports[p.id];
    if (ps.mtu.load() != initial_mtu_.at(p.id))
      absl::StrAppend(out, "link set ", p.name, " mtu ", ps.mtu.load(), "\n");
    if (!ps.up.load()) absl::StrAppend(out, "link set ", p.name, " down\n");
  }
}

}  // namespace gw::ctl
