"""Trend forecasting: what share of next season goes to each colour, article type, usage...

    from couturier.trends import load_history, forecast, write_trends
    history = load_history("styles.csv", "baseColour", by="gender")
    forecasts = forecast(history, horizon=2)          # "auto": the method the backtest supports
    write_trends(history, forecasts, "trends/")       # plots, tables, backtest

`couturier.trends.collection` turns the top forecast combinations into descriptions and draws
them with a text-to-image run: next season's collection.
"""
from couturier.trends.forecast import GroupForecast, forecast
from couturier.trends.history import History, load_history
from couturier.trends.report import trend_tables, write_trends

__all__ = ["GroupForecast", "History", "forecast", "load_history", "trend_tables", "write_trends"]
