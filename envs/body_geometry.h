// Geometry of rigid bodies for success checks and experts: a body's bounding box in its own
// frame (from its geoms, fixed by the model) and where that box is in the world now.
#pragma once

#include <mujoco/mujoco.h>

namespace fb::envs {

// Axis-aligned box in a body's frame enclosing all its geoms.
struct LocalBox {
  double lo[3] = {0, 0, 0};
  double hi[3] = {0, 0, 0};
};

// The box of body `body`'s geoms (boxes, cylinders, spheres, capsules, ellipsoids; other
// types by their bounding sphere). A body without geoms gets an empty box at its origin.
LocalBox BodyLocalBox(const mjModel* m, int body);

// Lowest and highest world z of `box` placed at body `body`'s current pose (d->xpos/xmat).
void WorldZRange(const mjData* d, int body, const LocalBox& box, double* zmin, double* zmax);

// Whether world point p (3) projects inside `box`'s extent along body `body`'s two most
// horizontal axes (x and y when upright), shrunk by `margin` metres on every side (negative
// margin grows it).
bool InsideFootprint(const mjData* d, int body, const LocalBox& box, const double p[3], double margin);

// Radius of the smallest circle about the body origin that holds the box's x-y extent.
double FootprintRadius(const LocalBox& box);

// Body velocity in the world frame at the body origin: lin (3) m/s, ang (3) rad/s.
void BodyVelocity(const mjModel* m, const mjData* d, int body, double lin[3], double ang[3]);

// Whether any geom of body a touches any geom of body b in d's current contacts.
bool BodiesInContact(const mjModel* m, const mjData* d, int a, int b);

}  // namespace fb::envs
