from kiosk.services import audit, hall


def test_initialised_hall(db):
    assert hall.hall_name() == "测试村党群服务中心"
    assert audit.verify().ok
