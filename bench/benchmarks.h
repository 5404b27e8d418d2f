// Registration of the microbenchmarks, grouped by tunnel count so that each Rig is built once.
#pragma once

#include <cstdint>

namespace gw::bench {

void RegisterProcessBenchmarks(uint32_t tunnels);  // process/*, reset/*
void RegisterLookupBenchmarks(uint32_t tunnels);   // lookup/*
void RegisterSpreadBenchmarks(uint32_t tunnels);   // spread/*

}  // namespace gw::bench
