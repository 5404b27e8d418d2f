#include "control/interfaces.h"

#include "absl/strings/str_cat.h"
#include "control/net.h"
#include "tunnel/control/tunnels.h"

namespace gw::ctl {

bool Interfaces::IsPortName(absl::string_view name) const {
  for (const PortRef& p : ports_)
    if (p.name == name) return true;
  return false;
}

absl::StatusOr<IfRef> Interfaces::Find(absl::string_view name) const {
  for (const PortRef& p : ports_)
    if (p.name == name) return IfRef{IfKind::kPort, p.id};
  if (const Tunnel* t = tunnels_.Find(name)) return IfRef{IfKind::kTunnel, t->id};
  return absl::NotFoundError(absl::StrCat("unknown device ", Quote(name)));
}

absl::StatusOr<uint16_t> Interfaces::FindPort(absl::string_view name,
                                              absl::string_view what) const {
  auto r = Find(name);
  if (!r.ok()) return r.status();
  if (r->kind != IfKind::kPort)
    return absl::InvalidArgumentError(
        absl::StrCat(what, " needs a port, ", Quote(name), " is a tunnel"));
  return static_cast<uint16_t>(r->id);
}

std::string Interfaces::Name(const IfRef& r) const {
  if (r.kind == IfKind::kPort) {
    for (const PortRef& p : ports_)
      if (p.id == r.id) return p.name;
    return absl::StrCat("port", r.id);
  }
  const Tunnel* t = tunnels_.FindId(r.id);
  return t == nullptr ? "?" : t->name;
}

}  // namespace gw::ctl
