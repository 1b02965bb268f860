package api

import (
	"fmt"
	"strings"
	"testing"
)

// /api/run says which stationary point a converged run stopped at: Newton
// on the saddle lesson's scene converges (‖g‖ = 0) to the saddle, and says
// so with λmin as /api/hessian gives it there.
func TestRunSaysWhichStationaryPoint(t *testing.T) {
	h := testHandler(t)
	rec := do(t, h, "POST", "/api/run", `{"objective": {"id": "saddle"}, "start": [-1.5, 0.05], "steps": 25,
		"runs": [{"optimizer": "newton"}, {"optimizer": "gd", "hyper": {"lr": 0.1}}]}`)
	var ans struct {
		Runs []struct {
			Status     string `json:"status"`
			Reason     string `json:"reason"`
			Stationary *struct {
				Kind      string   `json:"kind"`
				LambdaMin *float64 `json:"lambda_min"`
				LambdaMax *float64 `json:"lambda_max"`
				ZeroTol   *float64 `json:"zero_tol"`
			} `json:"stationary"`
			Points []struct {
				XY []float64 `json:"xy"`
			} `json:"points"`
		} `json:"runs"`
	}
	decodeBody(t, rec, &ans)
	nt := ans.Runs[0]
	if nt.Status != "converged" || nt.Stationary == nil || nt.Stationary.Kind != "saddle" {
		t.Fatalf("Newton: %s (%s), stationary %+v; want converged at a saddle", nt.Status, nt.Reason, nt.Stationary)
	}
	if nt.Stationary.LambdaMin == nil || nt.Stationary.LambdaMax == nil || nt.Stationary.ZeroTol == nil {
		t.Fatalf("stationary %+v lacks its numbers", *nt.Stationary)
	}
	end := nt.Points[len(nt.Points)-1].XY
	hrec := do(t, h, "POST", "/api/hessian", fmt.Sprintf(`{"objective": {"id": "saddle"}, "at": [%v, %v]}`, end[0], end[1]))
	var geo struct {
		Eigenvalues []float64 `json:"eigenvalues"`
	}
	decodeBody(t, hrec, &geo)
	if *nt.Stationary.LambdaMin != geo.Eigenvalues[0] || *nt.Stationary.LambdaMax != geo.Eigenvalues[1] {
		t.Errorf("λ = [%g, %g], /api/hessian at the end says %v", *nt.Stationary.LambdaMin, *nt.Stationary.LambdaMax, geo.Eigenvalues)
	}
	if !strings.HasPrefix(nt.Reason, "stopped at a saddle point") || !strings.Contains(nt.Reason, fmt.Sprintf("λmin = %.3g", geo.Eigenvalues[0])) {
		t.Errorf("reason %q", nt.Reason)
	}
	// Gradient descent slides off: not converged, no classification.
	if gd := ans.Runs[1]; gd.Status == "converged" || gd.Stationary != nil {
		t.Errorf("GD: %s, stationary %+v", gd.Status, gd.Stationary)
	}
}
