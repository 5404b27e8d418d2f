// The gateway's interfaces by name: its ports (port0, port1, … in port-id order) and its tunnels
// (named by `tunnel add`, owned by the tunnel feature: tunnel/control/tunnels.h). Commands name
// interfaces; the objects that apply them (links, addresses, routes, neighbours, tunnels) find
// them here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gw::ctl {

class Tunnels;

struct PortRef {
  uint16_t id;
  std::string name;
};

enum class IfKind { kPort, kTunnel };
struct IfRef {
  IfKind kind;
  uint32_t id;  // port id or tunnel id

  bool is_port() const { return kind == IfKind::kPort; }
  friend bool operator==(const IfRef&, const IfRef&) = default;
};

class Interfaces {
 public:
  Interfaces(std::vector<PortRef> ports, const Tunnels& tunnels)
      : ports_(std::move(ports)), tunnels_(tunnels) {}

  const std::vector<PortRef>& ports() const { return ports_; }
  bool IsPortName(absl::string_view name) const;

  // A port or tunnel by name: NotFound "unknown device \"NAME\"".
  absl::StatusOr<IfRef> Find(absl::string_view name) const;
  // A port by name, for `what` (e.g. "neigh"): a tunnel's name is refused.
  absl::StatusOr<uint16_t> FindPort(absl::string_view name, absl::string_view what) const;
  std::string Name(const IfRef& r) const;

 private:
  std::vector<PortRef> ports_;
  const Tunnels& tunnels_;
};

}  // namespace gw::ctl
