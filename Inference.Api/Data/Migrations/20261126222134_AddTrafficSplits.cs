using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Inference.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddTrafficSplits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Label",
                table: "predictions",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(256)",
                oldMaxLength: 256);

            migrationBuilder.AddColumn<string>(
                name: "KeyId",
                table: "predictions",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<double>(
                name: "LatencyMs",
                table: "predictions",
                type: "double precision",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<string>(
                name: "Outcome",
                table: "predictions",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "success");

            migrationBuilder.AddColumn<bool>(
                name: "Shadow",
                table: "predictions",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "traffic_splits",
                columns: table => new
                {
                    Model = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Weights = table.Column<string>(type: "jsonb", nullable: false),
                    ShadowVersion = table.Column<int>(type: "integer", nullable: true),
                    ShadowShare = table.Column<double>(type: "double precision", nullable: false),
                    UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_traffic_splits", x => x.Model);
                });

            migrationBuilder.CreateIndex(
                name: "IX_predictions_Model_CreatedAt",
                table: "predictions",
                columns: new[] { "Model", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "traffic_splits");

            migrationBuilder.DropIndex(
                name: "IX_predictions_Model_CreatedAt",
                table: "predictions");

            migrationBuilder.DropColumn(
                name: "KeyId",
                table: "predictions");

            migrationBuilder.DropColumn(
                name: "LatencyMs",
                table: "predictions");

            migrationBuilder.DropColumn(
                name: "Outcome",
                table: "predictions");

            migrationBuilder.DropColumn(
                name: "Shadow",
                table: "predictions");

            migrationBuilder.AlterColumn<string>(
                name: "Label",
                table: "predictions",
                type: "character varying(256)",
                maxLength: 256,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(256)",
                oldMaxLength: 256,
                oldNullable: true);
        }
    }
}
