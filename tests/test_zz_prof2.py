import cProfile, pstats, time, json
import pytest
from web_support import client_for
pytestmark = pytest.mark.django_db

def test_prof(cycle):
    c = client_for("sm01")
    c.cookies["csrftoken"] = "e" * 32
    url = f"/api/cycles/{cycle.id}/units/SM01/evidence/1.3"
    def patch(v):
        r = c.patch(url, json.dumps({"value": v}), content_type="application/json", HTTP_X_CSRFTOKEN="e" * 32)
        assert r.status_code == 200
    patch("1")
    n = 60
    t0 = time.process_time()
    for i in range(n):
        patch(str(i))
    print("CPU per request ms (no profiler)", (time.process_time() - t0) / n * 1000)
    pr = cProfile.Profile()
    pr.enable()
    for i in range(n):
        patch(str(i + 1))
    pr.disable()
    st = pstats.Stats(pr); st.sort_stats("cumulative").print_stats(60)
