#include "envs/body_geometry.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace fb::envs {

LocalBox BodyLocalBox(const mjModel* m, int body) {
  LocalBox box;
  bool any = false;
  for (int g = m->body_geomadr[body]; g >= 0 && g < m->body_geomadr[body] + m->body_geomnum[body]; ++g) {
    const mjtNum* s = m->geom_size + 3 * g;
    double half[3];
    switch (m->geom_type[g]) {
      case mjGEOM_BOX:
      case mjGEOM_ELLIPSOID:
        half[0] = s[0], half[1] = s[1], half[2] = s[2];
        break;
      case mjGEOM_CYLINDER:
        half[0] = s[0], half[1] = s[0], half[2] = s[1];
        break;
      case mjGEOM_CAPSULE:
        half[0] = s[0], half[1] = s[0], half[2] = s[1] + s[0];
        break;
      case mjGEOM_SPHERE:
        half[0] = half[1] = half[2] = s[0];
        break;
      default:
        half[0] = half[1] = half[2] = m->geom_rbound[g];
    }
    // Rotate the geom's box into the body frame and take the enclosing box.
    mjtNum mat[9];
    mju_quat2Mat(mat, m->geom_quat + 4 * g);
    for (int i = 0; i < 3; ++i) {
      double extent = 0;
      for (int j = 0; j < 3; ++j) extent += std::abs(mat[3 * i + j]) * half[j];
      const double lo = m->geom_pos[3 * g + i] - extent;
      const double hi = m->geom_pos[3 * g + i] + extent;
      box.lo[i] = any ? std::min(box.lo[i], lo) : lo;
      box.hi[i] = any ? std::max(box.hi[i], hi) : hi;
    }
    any = true;
  }
  return box;
}

void WorldZRange(const mjData* d, int body, const LocalBox& box, double* zmin, double* zmax) {
  const mjtNum* r = d->xmat + 9 * body;  // row-major: world = R * local
  double lo = d->xpos[3 * body + 2];
  double hi = lo;
  for (int j = 0; j < 3; ++j) {
    const double a = r[6 + j] * box.lo[j];
    const double b = r[6 + j] * box.hi[j];
    lo += std::min(a, b);
    hi += std::max(a, b);
  }
  *zmin = lo;
  *zmax = hi;
}

bool InsideFootprint(const mjData* d, int body, const LocalBox& box, const double p[3], double margin) {
  const mjtNum* r = d->xmat + 9 * body;
  const double dp[3] = {p[0] - d->xpos[3 * body], p[1] - d->xpos[3 * body + 1], p[2] - d->xpos[3 * body + 2]};
  // The footprint spans the body's two most horizontal axes, so a support knocked onto its
  // side (a toppled cube under a stacked block) still has one.
  int vertical = 2;
  for (int i = 0; i < 2; ++i) {
    if (std::abs(r[6 + i]) > std::abs(r[6 + vertical])) vertical = i;
  }
  for (int i = 0; i < 3; ++i) {
    if (i == vertical) continue;
    // local = R^T * dp
    const double local = r[i] * dp[0] + r[3 + i] * dp[1] + r[6 + i] * dp[2];
    if (local < box.lo[i] + margin || local > box.hi[i] - margin) return false;
  }
  return true;
}

double FootprintRadius(const LocalBox& box) {
  const double x = std::max(std::abs(box.lo[0]), std::abs(box.hi[0]));
  const double y = std::max(std::abs(box.lo[1]), std::abs(box.hi[1]));
  return std::sqrt(x * x + y * y);
}

void BodyVelocity(const mjModel* m, const mjData* d, int body, double lin[3], double ang[3]) {
  mjtNum v[6];
  mj_objectVelocity(m, d, mjOBJ_BODY, body, v, /*flg_local=*/0);
  for (int i = 0; i < 3; ++i) {
    ang[i] = v[i];
    lin[i] = v[3 + i];
  }
}

bool BodiesInContact(const mjModel* m, const mjData* d, int a, int b) {
  for (int i = 0; i < d->ncon; ++i) {
    const int b1 = m->geom_bodyid[d->contact[i].geom1];
    const int b2 = m->geom_bodyid[d->contact[i].geom2];
    if ((b1 == a && b2 == b) || (b1 == b && b2 == a)) return true;
  }
  return false;
}

}  // namespace fb::envs
