#include "envs/predicates.h"

#include <cmath>
#include <map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.h"

namespace fb::envs {

struct Predicate::Parser {
  const config::Document& doc;
  const mjModel* m;
  const std::vector<RegionConfig>& regions;
  Predicate& out;

  [[noreturn]] void Fail(const YAML::Node& node, const std::string& path, const std::string& message) const {
    config::Fail(doc, node, path, message);
  }

  int Body(const YAML::Node& node, const std::string& path) const {
    const std::string name = node.as<std::string>();
    const int id = mj_name2id(m, mjOBJ_BODY, name.c_str());
    if (id <= 0) Fail(node, path, fmt::format("no object (body) named '{}' in the scene", name));
    return id;
  }

  // The slide joint "<object>_<suffix>" of an articulated object, e.g. a drawer's "_slide".
  int Joint(const YAML::Node& node, const std::string& path, const std::string& suffix, const char* kind) const {
    const std::string name = node.as<std::string>() + "_" + suffix;
    const int id = mj_name2id(m, mjOBJ_JOINT, name.c_str());
    if (id < 0 || m->jnt_type[id] != mjJNT_SLIDE || !m->jnt_limited[id]) {
      Fail(node, path, fmt::format("object '{}' is not a {}: it has no limited slide joint '{}'", node.Scalar(), kind,
                                   name));
    }
    return id;
  }

  double Number(const YAML::Node& node, const std::string& path) const {
    try {
      return node.as<double>();
    } catch (const YAML::Exception&) {
      Fail(node, path, fmt::format("expected a number, got '{}'", node.Scalar()));
    }
  }

  int Add(const YAML::Node& node, const std::string& path) {
    if (!node.IsMap() || node.size() != 1) {
      Fail(node, path, "a predicate is a map with one key: on, in, inside_region, lifted, near, upright, open, "
                       "closed, pressed, all, any or sequence");
    }
    const std::string key = node.begin()->first.as<std::string>();
    const YAML::Node args = node.begin()->second;
    const std::string here = config::JoinPath(path, key);
    static const std::map<std::string, std::pair<Kind, int>> kPrimitives = {
        {"on", {Kind::kOn, 2}},         {"in", {Kind::kIn, 2}},       {"inside_region", {Kind::kInsideRegion, 2}},
        {"lifted", {Kind::kLifted, 2}}, {"near", {Kind::kNear, 3}},   {"upright", {Kind::kUpright, 1}},
        {"open", {Kind::kOpen, 2}},     {"closed", {Kind::kClosed, 1}}, {"pressed", {Kind::kPressed, 1}},
        {"all", {Kind::kAll, -1}},      {"any", {Kind::kAny, -1}},    {"sequence", {Kind::kSequence, -1}}};
    const auto found = kPrimitives.find(key);
    if (found == kPrimitives.end()) {
      std::vector<std::string> names;
      for (const auto& [name, unused] : kPrimitives) names.push_back(name);
      const std::string near = config::NearestName(key, names);
      Fail(node, here, fmt::format("unknown predicate '{}'{}; known: {}", key,
                                   near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near),
                                   fmt::join(names, ", ")));
    }
    const auto [kind, arity] = found->second;
    const int index = static_cast<int>(out.k_nodes_.size());
    out.k_nodes_.push_back(Node{});
    out.k_nodes_[static_cast<size_t>(index)].kind = kind;
    if (arity < 0) {
      if (!args.IsSequence() || args.size() == 0) Fail(args, here, "expects a non-empty list of predicates");
      std::vector<int> children;
      for (size_t i = 0; i < args.size(); ++i) children.push_back(Add(args[i], fmt::format("{}[{}]", here, i)));
      Node& n = out.k_nodes_[static_cast<size_t>(index)];
      n.children = std::move(children);
      n.text = key;
      if (kind == Kind::kSequence) n.slot = out.k_num_sequences_++;
      return index;
    }
    // yaml-cpp's Node assignment writes through to the referenced node: build a new one.
    YAML::Node wrapped(YAML::NodeType::Sequence);
    if (args.IsScalar() && arity == 1) wrapped.push_back(args);
    const YAML::Node list = args.IsScalar() && arity == 1 ? wrapped : args;
    if (!list.IsSequence() || static_cast<int>(list.size()) != arity) {
      const char* form = kind == Kind::kNear ? "[object, object, distance]"
                         : kind == Kind::kLifted ? "[object, height]"
                         : kind == Kind::kUpright ? "[object]"
                         : kind == Kind::kClosed ? "[drawer]"
                         : kind == Kind::kPressed ? "[button]"
                         : kind == Kind::kOpen ? "[drawer, fraction]"
                         : kind == Kind::kInsideRegion ? "[object, region]"
                                                       : "[object, object]";
      Fail(args, here, fmt::format("expects {} ({} values)", form, arity));
    }
    Node n;
    n.kind = kind;
    n.a = Body(list[0], here + "[0]");
    std::vector<std::string> words = {list[0].as<std::string>()};
    switch (kind) {
      case Kind::kOn:
      case Kind::kIn:
        n.b = Body(list[1], here + "[1]");
        words.push_back(list[1].as<std::string>());
        break;
      case Kind::kNear:
        n.b = Body(list[1], here + "[1]");
        n.value = Number(list[2], here + "[2]");
        words.push_back(list[1].as<std::string>());
        words.push_back(list[2].Scalar());
        break;
      case Kind::kLifted:
        n.value = Number(list[1], here + "[1]");
        words.push_back(list[1].Scalar());
        break;
      case Kind::kOpen:
        n.joint = Joint(list[0], here + "[0]", "slide", "drawer");
        n.value = Number(list[1], here + "[1]");
        if (!(n.value > 0 && n.value <= 1)) Fail(list[1], here + "[1]", "the open fraction must be in (0, 1]");
        words.push_back(list[1].Scalar());
        break;
      case Kind::kClosed:
        n.joint = Joint(list[0], here + "[0]", "slide", "drawer");
        break;
      case Kind::kPressed:
        n.joint = Joint(list[0], here + "[0]", "press", "button");
        break;
      case Kind::kInsideRegion: {
        const std::string name = list[1].as<std::string>();
        bool known = false;
        for (const RegionConfig& r : regions) {
          if (r.name == name) {
            n.region[0] = r.x[0], n.region[1] = r.x[1], n.region[2] = r.y[0], n.region[3] = r.y[1];
            known = true;
          }
        }
        if (!known) Fail(list[1], here + "[1]", fmt::format("no region named '{}' in the task's regions", name));
        words.push_back(name);
        break;
      }
      default:
        break;
    }
    n.text = fmt::format("{}({})", key, fmt::join(words, ", "));
    out.k_nodes_[static_cast<size_t>(index)] = std::move(n);
    return index;
  }
};

Predicate Predicate::Parse(const YAML::Node& node, const config::Document& doc, const std::string& path,
                           const mjModel* m, const std::vector<RegionConfig>& regions, PredicateTolerances tolerances) {
  Predicate p;
  p.k_tol_ = tolerances;
  Parser parser{doc, m, regions, p};
  parser.Add(node, path);
  p.k_boxes_.resize(static_cast<size_t>(m->nbody));
  for (int b = 0; b < m->nbody; ++b) p.k_boxes_[static_cast<size_t>(b)] = BodyLocalBox(m, b);
  return p;
}

Predicate Predicate::Parse(const config::Subtree& section, const mjModel* m, const std::vector<RegionConfig>& regions,
                           PredicateTolerances tolerances) {
  // A predicate is one tree: the last layer that gave it replaces the earlier ones.
  if (section.layers.empty()) throw InputError("success predicate is missing");
  const auto& tree = section.layers.back();
  return Parse(tree.node, tree.document, tree.path, m, regions, tolerances);
}

Predicate Predicate::ParseText(std::string_view yaml, const mjModel* m, const std::vector<RegionConfig>& regions,
                               PredicateTolerances tolerances) {
  config::Document doc;
  doc.origin = "predicate text";
  doc.has_lines = true;
  try {
    doc.root = YAML::Load(std::string(yaml));
  } catch (const YAML::Exception& e) {
    throw InputError(fmt::format("predicate text: YAML syntax error: {}", e.what()));
  }
  return Parse(doc.root, doc, "success", m, regions, tolerances);
}

void Predicate::ResetState(const mjData* d, PredicateState& state) const {
  state.stage.assign(static_cast<size_t>(k_num_sequences_), 0);
  state.initial_bottom.assign(k_nodes_.size(), 0.0);
  state.reached.assign(k_nodes_.size(), 0);
  for (size_t i = 0; i < k_nodes_.size(); ++i) {
    if (k_nodes_[i].kind != Kind::kLifted) continue;
    double top = 0;
    WorldZRange(d, k_nodes_[i].a, k_boxes_[static_cast<size_t>(k_nodes_[i].a)], &state.initial_bottom[i], &top);
  }
}

bool Predicate::Evaluate(const mjModel* m, const mjData* d, PredicateState& state) const {
  return EvaluateNode(0, m, d, state);
}

bool Predicate::Slow(const mjModel* m, const mjData* d, int body, int relative_to) const {
  double lin[3], ang[3];
  BodyVelocity(m, d, body, lin, ang);
  if (relative_to > 0) {
    double lin_b[3], ang_b[3];
    BodyVelocity(m, d, relative_to, lin_b, ang_b);
    for (int i = 0; i < 3; ++i) lin[i] -= lin_b[i], ang[i] -= ang_b[i];
  }
  return mju_norm3(lin) < k_tol_.max_speed && mju_norm3(ang) < k_tol_.max_angular_speed;
}

double Predicate::JointFraction(const mjModel* m, const mjData* d, int joint) {
  const double lo = m->jnt_range[2 * joint], hi = m->jnt_range[2 * joint + 1];
  return (d->qpos[m->jnt_qposadr[joint]] - lo) / (hi - lo);
}

bool Predicate::EvaluateNode(int index, const mjModel* m, const mjData* d, PredicateState& state) const {
  const Node& n = k_nodes_[static_cast<size_t>(index)];
  const LocalBox* box_a = n.a >= 0 ? &k_boxes_[static_cast<size_t>(n.a)] : nullptr;
  const LocalBox* box_b = n.b >= 0 ? &k_boxes_[static_cast<size_t>(n.b)] : nullptr;
  switch (n.kind) {
    case Kind::kOn: {
      double a_lo, a_hi, b_lo, b_hi;
      WorldZRange(d, n.a, *box_a, &a_lo, &a_hi);
      WorldZRange(d, n.b, *box_b, &b_lo, &b_hi);
      const bool over = InsideFootprint(d, n.b, *box_b, d->xpos + 3 * n.a, k_tol_.footprint_margin);
      // Supported: resting at b's top, or touching b with its bottom not below b's top.
      const bool supported = std::abs(a_lo - b_hi) < k_tol_.height ||
                             (BodiesInContact(m, d, n.a, n.b) && a_lo > b_hi - k_tol_.height);
      return over && supported && Slow(m, d, n.a, n.b);
    }
    case Kind::kIn: {
      double a_lo, a_hi, c_lo, c_hi;
      WorldZRange(d, n.a, *box_a, &a_lo, &a_hi);
      WorldZRange(d, n.b, *box_b, &c_lo, &c_hi);
      const bool over = InsideFootprint(d, n.b, *box_b, d->xpos + 3 * n.a, k_tol_.container_margin);
      return over && a_lo > c_lo - k_tol_.height && a_lo < c_hi && Slow(m, d, n.a, n.b);
    }
    case Kind::kInsideRegion: {
      const double x = d->xpos[3 * n.a], y = d->xpos[3 * n.a + 1];
      return x >= n.region[0] && x <= n.region[1] && y >= n.region[2] && y <= n.region[3] && Slow(m, d, n.a, -1);
    }
    case Kind::kLifted: {
      double lo, hi;
      WorldZRange(d, n.a, *box_a, &lo, &hi);
      return lo - state.initial_bottom[static_cast<size_t>(index)] >= n.value;
    }
    case Kind::kNear: {
      double diff[3];
      mju_sub3(diff, d->xpos + 3 * n.a, d->xpos + 3 * n.b);
      return mju_norm3(diff) < n.value;
    }
    case Kind::kUpright:
      return d->xmat[9 * n.a + 8] >= k_tol_.upright_cos;
    case Kind::kOpen:
      return JointFraction(m, d, n.joint) >= n.value;
    case Kind::kClosed:
      return JointFraction(m, d, n.joint) <= k_tol_.closed_fraction;
    case Kind::kPressed: {
      char& reached = state.reached[static_cast<size_t>(index)];
      reached = reached || JointFraction(m, d, n.joint) >= k_tol_.pressed_fraction;
      return reached;
    }
    case Kind::kAll:
    case Kind::kAny: {
      bool all = true, any = false;
      for (int child : n.children) {  // no short-circuit: nested sequences must see every step
        const bool value = EvaluateNode(child, m, d, state);
        all = all && value;
        any = any || value;
      }
      return n.kind == Kind::kAll ? all : any;
    }
    case Kind::kSequence: {
      int& stage = state.stage[static_cast<size_t>(n.slot)];
      const int last = static_cast<int>(n.children.size()) - 1;
      bool result = false;
      for (int i = 0; i <= last; ++i) {
        const bool value = EvaluateNode(n.children[static_cast<size_t>(i)], m, d, state);
        if (i == stage && i < last && value) {
          ++stage;
          ++i;  // one stage per step: the next child is evaluated but cannot count yet
          if (i <= last) EvaluateNode(n.children[static_cast<size_t>(i)], m, d, state);
        } else if (i == last && stage == last) {
          result = value;
        }
      }
      return result;
    }
  }
  return false;
}

std::string Predicate::NodeString(int index) const {
  const Node& n = k_nodes_[static_cast<size_t>(index)];
  if (n.children.empty()) return n.text;
  std::vector<std::string> parts;
  for (int child : n.children) parts.push_back(NodeString(child));
  return fmt::format("{}({})", n.text, fmt::join(parts, ", "));
}

std::string Predicate::ToString() const { return NodeString(0); }

}  // namespace fb::envs
