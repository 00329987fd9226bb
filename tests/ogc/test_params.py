"""Items request parameters and CRS parsing, checked without the store."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from geoprocessing.errors import InvalidInput
from geoprocessing.features import crs
from geoprocessing.features.params import MAX_OFFSET, parse_bbox, parse_datetime, parse_items


def _parse(**args):
    return parse_items(args, queryables=("code",), default_limit=10, max_limit=100)


@pytest.mark.parametrize("args, needle", [
    ({"bbox": "1,2,3"}, "4 numbers"),
    ({"bbox": "1,2,3,x"}, "numbers"),
    ({"bbox": "1,2,3,inf"}, "finite"),
    ({"limit": "-1"}, "limit"),
    ({"limit": "0"}, "limit"),
    ({"limit": "ten"}, "whole number"),
    ({"offset": "-5"}, "offset"),
    ({"offset": str(MAX_OFFSET + 1)}, "offset"),
    ({"offset": "1" * 40}, "offset"),
    ({"datetime": "yesterday"}, "RFC 3339"),
    ({"datetime": "2024-01-01/2020-01-01"}, "ends before"),
    ({"datetime": "../.."[:2]}, "open end"),
    ({"filter-lang": "ecql"}, "filter-lang"),
    ({"filter": "  "}, "empty"),
    ({"colour": "red"}, "Unknown query parameter 'colour'"),
])
def test_bad_parameters_are_refused_with_a_sentence(args, needle):
    with pytest.raises(InvalidInput) as err:
        _parse(**args)
    assert needle in err.value.message


def test_limit_above_the_maximum_becomes_the_maximum():
    assert _parse(limit="5000").limit == 100
    assert _parse().limit == 10


def test_queryables_are_property_equality():
    assert _parse(code="LIDO").equals == {"code": "LIDO"}


def test_bbox_with_heights_keeps_the_plane():
    assert parse_bbox("1,2,0,3,4,10") == (1, 2, 3, 4)


def test_datetime_forms():
    day = parse_datetime("2024-06-01")
    assert day[0] == datetime(2024, 6, 1, tzinfo=UTC)
    assert day[1].date() == day[0].date() and day[1] > day[0]
    assert parse_datetime("2020-01-01T00:00:00Z/..") == (datetime(2020, 1, 1, tzinfo=UTC), None)
    assert parse_datetime("../2020-01-01T00:00:00Z")[0] is None


def test_axis_order_comes_from_the_epsg_database():
    assert crs.parse(None, 7792, parameter="crs").uri == crs.CRS84
    assert not crs.parse(crs.CRS84, 7792, parameter="crs").northing_first
    for code, northing in ((4326, True), (6707, True), (6708, True), (3857, False),
                           (7792, False), (3003, False), (3004, False)):
        assert crs.parse(crs.uri_for(code), 7792, parameter="crs").northing_first is northing


@pytest.mark.parametrize("uri", ["EPSG:4326", "http://www.opengis.net/def/crs/EPSG/0/2056",
                                 "http://www.opengis.net/def/crs/EPSG/0/notanumber", "nonsense"])
def test_crs_not_offered_is_refused(uri):
    with pytest.raises(InvalidInput):
        crs.parse(uri, 7792, parameter="crs")


def test_bbox_in_lat_lon_crs_is_read_northing_first():
    lonlat = crs.bbox_polygon((12.3, 45.4, 12.4, 45.5), crs.parse(None, 7792, parameter="b"), 4326)
    latlon = crs.bbox_polygon((45.4, 12.3, 45.5, 12.4),
                              crs.parse(crs.uri_for(4326), 7792, parameter="b"), 4326)
    assert lonlat.bounds == latlon.bounds == (12.3, 45.4, 12.4, 45.5)


def test_bbox_outside_the_crs_or_upside_down_is_refused():
    lonlat = crs.parse(None, 7792, parameter="bbox-crs")
    for bad in ((12.4, 45.4, 12.3, 45.5), (0, 0, 200, 10)):
        with pytest.raises(InvalidInput):
            crs.bbox_polygon(bad, lonlat, 7792)
    with pytest.raises(InvalidInput):
        crs.bbox_polygon((1e300, 1e300, 1e301, 1e301), crs.parse(crs.uri_for(3857), 7792,
                                                                 parameter="bbox-crs"), 7792)
