// `link set` on the gateway's ports: administrative state and MTU (PortState, read by the workers
// per packet). `link set` on a tunnel is the tunnel's own (Tunnels::LinkSet).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "control/command.h"
#include "control/interfaces.h"
#include "dataplane/tables/tables.h"

namespace gw::ctl {

class Links {
 public:
  // Sets a port's MTU in the device and the tables (Dataplane::SetPortMtu).
  using SetMtuFn = std::function<absl::Status(uint16_t port, uint16_t mtu)>;
  struct View {
    std::string name;
    bool is_tunnel;
    std::string mac;  // empty for tunnels
    uint16_t mtu;
    bool up;
    uint16_t initial_mtu = 0;  // ports: the device's MTU when gatewayd started (0 for tunnels)
  };

  Links(dp::Tables& t, const Interfaces& ifs, SetMtuFn set_mtu);

  absl::Status Set(uint16_t port, const Command& c);  // link set portN ...
  std::vector<View> Views() const;                    // the ports, in port order
  // `link set` lines for ports whose state differs from how gatewayd started.
  void AppendConfig(std::string* out) const;

 private:
  dp::Tables& t_;
  const Interfaces& ifs_;
  SetMtuFn set_mtu_;
  absl::flat_hash_map<uint16_t, uint16_t> initial_mtu_;
};

}  // namespace gw::ctl
