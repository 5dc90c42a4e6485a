#pragma once
// Cross-object checks on a snapshot: references that point nowhere, selectors that select
// nothing, conflicting defaults. Controller-specific findings (canary without primary, paths two
// Ingresses both claim) come from the simulator's profile lint on top of these.

#include "model/cluster_state.h"
#include "model/diagnostic.h"

namespace hs::model {

Diagnostics lintReferences(const ClusterState& state);

// A Diagnostic about an object, located at `fieldPath` in its source document when it has one.
Diagnostic objectDiagnostic(Severity sev, Kind kind, const ObjectMeta& meta, std::string_view fieldPath,
                            std::string message, std::string code);

}  // namespace hs::model
