// Each feature's per-worker state, held in the walk's Ctx (Ctx derives from FeatureCtx, so a
// feature's stages reach theirs as ctx.<feature>), and the caches each feature keeps per worker.
// This and dataplane/features.h are the only places where the core walk names its features: add
// a feature's state here, its stages there.
#pragma once

#include <memory>

#include "dataplane/tables/tables.h"
#include "tunnel/datapath/state.h"

namespace gw::dp {

// Allocated once per worker (Worker owns it; tests make their own), used through FeatureCtx.
struct FeatureCaches {
  std::unique_ptr<PeerCacheEntry[]> peers =
      std::make_unique<PeerCacheEntry[]>(size_t{1} << kPeerCacheBits);
};

struct FeatureCtx {
  TunnelCtx tunnel;  // tunnel/datapath/state.h

  void Init(const Tables& t, uint32_t worker) noexcept { tunnel.Init(t, worker, nullptr); }
  // From now on the features answer through these caches (without: always from the tables).
  void UseCaches(FeatureCaches& c) noexcept { tunnel.peer_cache = c.peers.get(); }
  void NewBurst(const Tables& t) noexcept { tunnel.NewBurst(t); }
};

}  // namespace gw::dp
