package io.llmpipeline.catalog;

/** How a route picks among its healthy candidates. */
public enum Strategy {
    /** Candidates in the order listed (the first healthy one). */
    ORDERED,
    /** Lowest expected cost for this request. */
    COST,
    /** Lowest observed p95 latency. */
    SPEED,
    /** Highest observed success rate. */
    RELIABILITY,
    /** A weighted score of cost, latency and success rate. */
    BALANCED,
    /** Cheapest candidate at or above the route's minimum capability tier. */
    CAPABILITY
}
