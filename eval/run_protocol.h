// The policy's protocol applied to a run before anything is written (`fasterbench eval`): the
// run takes the policy's replan interval unless it states one (a warning when it states
// another), in-distribution splits run only on the embodiments the policy was trained on,
// so transfer to a new robot is never labelled `id`, and a policy that reads no images is not
// run on splits that change only appearance (they are reported as n/a).
#pragma once

#include "eval/eval_config.h"
#include "policies/policy.h"

namespace fb::eval {

// `config` with replan_interval set (the run's, else the policy's, else 0) and, when the run
// lists no embodiments and the policy names its own, embodiments set to those plus the ones
// the run's embodiment splits hold out. Throws fb::InputError when a split that names no
// embodiments would run on one the policy was not trained on, unless embodiment_override is
// set (then it warns, and the override stays in the run's config.yaml). With
// protocol.reads_images false, splits whose `visual` is not none move from splits to
// not_applicable_splits; throws fb::InputError when no split is left.
EvalConfig ApplyPolicyProtocol(EvalConfig config, const policies::PolicyProtocol& protocol);

}  // namespace fb::eval
