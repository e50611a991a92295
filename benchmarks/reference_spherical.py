"""The hand-written numpy reference for bench_points.py: the Jacobian of
spherical → Cartesian coordinates (and its determinant) at every row of a
CSV file, written as CSV. This is what a careful user would write by hand."""

import sys

import numpy as np


def main(path: str) -> None:
    r, t, p = np.loadtxt(path, delimiter=",", skiprows=1, unpack=True)
    st, ct, sp, cp = np.sin(t), np.cos(t), np.sin(p), np.cos(p)
    J = np.stack([
        st * cp, r * ct * cp, -r * st * sp,
        st * sp, r * ct * sp, r * st * cp,
        ct, -r * st, np.zeros_like(r),
    ], axis=1)
    det = r**2 * st
    table = np.column_stack([r, t, p, J, det])
    header = "r,theta,phi,dx/dr,dx/dtheta,dx/dphi,dy/dr,dy/dtheta,dy/dphi,dz/dr,dz/dtheta,dz/dphi,det"
    np.savetxt(sys.stdout, table, delimiter=",", fmt="%.17g", header=header, comments="")


if __name__ == "__main__":
    main(sys.argv[1])
